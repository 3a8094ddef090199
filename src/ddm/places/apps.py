from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "ddm.places"
    verbose_name = "Places"
