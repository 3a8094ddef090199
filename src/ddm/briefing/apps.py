from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "ddm.briefing"
    verbose_name = "Zone briefing"

    def ready(self) -> None:
        # The key-figures strip on the zone pages of lower apps (ddm.key_figures) shows these figures: handed down.
        # Imported here, not at module level: figures imports models, which need the app registry ready.
        from ddm import key_figures
        from ddm.briefing.figures import key_figures as figures_of

        key_figures.provide(figures_of)
