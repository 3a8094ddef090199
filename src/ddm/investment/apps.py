from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "ddm.investment"
    verbose_name = "Investment"
