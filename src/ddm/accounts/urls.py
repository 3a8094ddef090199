from django.urls import path

from ddm.accounts import views

app_name = "accounts"
urlpatterns = [
    path("users/", views.user_list, name="users"),
    path("users/<int:pk>/", views.user_detail, name="user"),
    path("users/<int:pk>/roles/<int:role_pk>/remove/", views.remove_role, name="remove_role"),
]
