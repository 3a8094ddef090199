from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "ddm.desk"
    verbose_name = "My desk"
