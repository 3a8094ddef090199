from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "ddm.profiles"
    verbose_name = "Profiles"
