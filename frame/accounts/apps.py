from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "frame.accounts"
    label = "accounts"
    verbose_name = "Staff accounts and practices"

    def ready(self) -> None:
        from frame.accounts import signals  # noqa: F401  (audit events for sign-ins and MFA)
