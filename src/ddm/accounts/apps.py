from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ddm.accounts"
    verbose_name = "Accounts"
