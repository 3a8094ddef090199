from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "ddm.facilities"
    verbose_name = "Facilities (schools and health facilities)"
