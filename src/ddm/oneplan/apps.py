from django.apps import AppConfig


class OneplanConfig(AppConfig):
    name = "ddm.oneplan"
    verbose_name = "One Plan"
