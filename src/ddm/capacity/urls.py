from django.urls import path

app_name = "capacity"
urlpatterns: list = []
