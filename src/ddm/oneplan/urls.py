from django.urls import path

app_name = "oneplan"
urlpatterns: list = []
