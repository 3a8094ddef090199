from django.urls import path

app_name = "investment"
urlpatterns: list = []
