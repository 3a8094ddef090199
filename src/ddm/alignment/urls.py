from django.urls import path

from ddm.alignment import views

app_name = "alignment"
urlpatterns = [
    path("", views.needs_page, name="needs"),
    path("localisation/", views.localisation_page, name="localisation"),
    path("zones/<str:code>/duplicates/", views.duplicates, name="duplicates"),
    path("zones/<str:code>/settlements/", views.settlements, name="settlements"),
    path("zones/<str:code>/duplicates/<int:a>/<int:b>/", views.compare, name="compare"),
    path("zones/<str:code>/duplicates/<int:a>/<int:b>/undo/", views.undo, name="undo"),
]
