from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "ddm.profiles"
    verbose_name = "Profiles"

    def ready(self) -> None:
        # Apps below profiles (investment) get population through places, never by importing profiles.
        # Imported here, not at the top: services imports models, which Django loads only after this module.
        from ddm.places import population
        from ddm.profiles.services import population_by_code

        population.register(population_by_code)
