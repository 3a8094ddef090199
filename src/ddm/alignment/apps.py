from django.apps import AppConfig


class AlignmentConfig(AppConfig):
    name = "ddm.alignment"
    verbose_name = "Duplication and alignment"
