from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "ddm.engagement"
    verbose_name = "Engagement"
