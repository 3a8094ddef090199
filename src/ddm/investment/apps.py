from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "ddm.investment"
    verbose_name = "Investment"

    def ready(self):
        from ddm.investment import summary

        summary.connect_signals()  # saves and deletes mark their zones' stored summary stale
