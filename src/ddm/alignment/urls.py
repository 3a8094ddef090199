from django.urls import path

app_name = "alignment"
urlpatterns: list = []
