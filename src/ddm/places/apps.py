from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "ddm.places"
    verbose_name = "Places"

    def ready(self):
        from ddm import caching

        caching.connect_signals()  # any change to DDM data invalidates cached pages in every process
