from django.urls import path

from ddm.briefing import views

app_name = "briefing"
urlpatterns = [
    path("zones/<str:code>/", views.zone_brief, name="zone"),
    path("zones/<str:code>/briefing.pdf", views.zone_brief_pdf, name="zone_pdf"),
]
