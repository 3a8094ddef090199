from django.urls import include, path

from ddm.investment import views

app_name = "investment"
urlpatterns = [
    path("", views.index, name="index"),
    path("zones/<str:code>/", views.zone, name="zone"),
    path("footprint/", views.footprint_page, name="footprint"),
    path("completeness/", views.completeness_page, name="completeness"),
    path("zones/<str:code>/completeness/", views.zone_completeness_page, name="zone_completeness"),
    path("unmapped/", views.unmapped, name="unmapped"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/notes/", views.project_note, name="project_note"),
    path("projects/<int:pk>/progress/", views.project_progress, name="project_progress"),
    path("", include("ddm.investment.intake.urls")),
]
