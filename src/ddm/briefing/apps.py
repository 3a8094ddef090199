from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "ddm.briefing"
    verbose_name = "Zone briefing"
