from django.urls import path

from ddm.capacity import views

app_name = "capacity"
urlpatterns = [
    path("", views.national, name="national"),
    path("hubs/new/", views.new_hub, name="new_hub"),
    path("hubs/<int:pk>/", views.hub, name="hub"),
    path("hubs/<int:pk>/edit/", views.edit_hub, name="edit_hub"),
    path("hubs/<int:pk>/positions/<str:role>/", views.edit_position, name="position"),
    path("hubs/<int:pk>/plan/", views.new_plan_version, name="plan"),
    path("hubs/<int:pk>/attachments/", views.upload_attachment, name="attachments"),
    path("hubs/<int:pk>/attachments/<int:attachment>/", views.download_attachment, name="attachment"),
    path("zones/<str:code>/", views.zone, name="zone"),
    path("zones/<str:code>/skills.xlsx", views.zone_xlsx, name="zone_xlsx"),
    path("municipalities/<str:code>/", views.municipality, name="municipality"),
    path("municipalities/<str:code>/upload/", views.upload_skills, name="upload"),
    path("municipalities/<str:code>/uploads/<int:pk>/", views.upload_job, name="upload_job"),
    path("municipalities/<str:code>/overrides/", views.set_override, name="override"),
    path("skills/template.xlsx", views.template_xlsx, name="template"),
]
