from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ddm.jobs"
    verbose_name = "Background file jobs"
