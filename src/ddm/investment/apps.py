from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "ddm.investment"
    verbose_name = "Investment"

    def ready(self) -> None:
        # Imported here, not at the top: summary imports models, which Django loads only after this module.
        from ddm.investment import summary, views
        from ddm.places import zone_sections

        summary.connect_signals()  # saves and deletes mark their zones' stored summary stale
        zone_sections.provide("delivery", views.zone_delivery_section)
