from django.apps import AppConfig

from ddm import caching


class PlacesConfig(AppConfig):
    name = "ddm.places"
    verbose_name = "Places"

    def ready(self) -> None:
        caching.connect_signals()  # any change to DDM data invalidates cached pages in every process
