from django.urls import path

from ddm.profiles import views

app_name = "profiles"
urlpatterns = [
    path("", views.index, name="index"),
    path("compare/", views.compare_view, name="compare"),
    path("zones/<str:code>/", views.zone_profile, name="zone"),
    path("zones/<str:code>/narrative/", views.narrative_edit, name="narrative_edit"),
    path("zones/<str:code>/narrative/history/", views.narrative_history, name="narrative_history"),
    path("municipalities/<str:code>/", views.municipality_profile, name="municipality"),
    path("zones/<str:code>/profile.pdf", views.profile_pdf, {"level": "zone"}, name="zone_pdf"),
    path("zones/<str:code>/profile.xlsx", views.profile_xlsx, {"level": "zone"}, name="zone_xlsx"),
    path("zones/<str:code>/profile.csv", views.profile_csv, {"level": "zone"}, name="zone_csv"),
    path("municipalities/<str:code>/profile.csv", views.profile_csv, {"level": "municipality"}, name="municipality_csv"),
    path("municipalities/<str:code>/profile.pdf", views.profile_pdf, {"level": "municipality"}, name="municipality_pdf"),
    path("municipalities/<str:code>/profile.xlsx", views.profile_xlsx, {"level": "municipality"},
         name="municipality_xlsx"),
]
