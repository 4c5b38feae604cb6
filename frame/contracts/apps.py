from django.apps import AppConfig


class ContractsConfig(AppConfig):
    name = "frame.contracts"
    label = "contracts"
    verbose_name = "Contracts and the frame"
