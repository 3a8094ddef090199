from django.urls import path

from ddm.places import views

app_name = "places"
urlpatterns = [
    path("", views.home, name="home"),
    path("zones/<str:code>/", views.zone, name="zone"),
    path("municipalities/<str:code>/", views.municipality, name="municipality"),
    path("provinces/<str:code>/", views.province, name="province"),
    path("locate", views.locate, name="locate"),
    path("about/sources", views.sources, name="sources"),
]
