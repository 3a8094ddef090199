from django.urls import include, path

app_name = "investment"
urlpatterns = [
    path("", include("ddm.investment.intake.urls")),
]
