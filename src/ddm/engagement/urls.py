from django.urls import path

from ddm.engagement import views

app_name = "engagement"
urlpatterns = [
    path("", views.national, name="national"),
    path("overdue/", views.overdue, name="overdue"),
    path("overdue.csv", views.overdue_csv, name="overdue_csv"),
    path("zones/<str:code>/", views.zone, name="zone"),
    path("zones/<str:code>/events/new/", views.new_event, name="new_event"),
    path("events/<int:pk>/", views.event, name="event"),
    path("events/<int:pk>/edit/", views.edit_event, name="edit_event"),
    path("events/<int:pk>/attendance/", views.set_attendance, name="attendance"),
    path("events/<int:pk>/items/", views.new_item, name="new_item"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/edit/", views.edit_item, name="edit_item"),
    path("items/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("items/<int:pk>/links/", views.set_links, name="links"),
]
