from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "ddm.investment"
    verbose_name = "Investment"

    def ready(self):
        # Imported here, not at the top: summary imports models, which Django loads only after this module.
        from ddm.investment import summary

        summary.connect_signals()  # saves and deletes mark their zones' stored summary stale
