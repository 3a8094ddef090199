from django.apps import AppConfig


class CapacityConfig(AppConfig):
    name = "ddm.capacity"
    verbose_name = "Capacity"
