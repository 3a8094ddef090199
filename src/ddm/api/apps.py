from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ddm.api"
    verbose_name = "API"
