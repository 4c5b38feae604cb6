from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "frame.clients"
    label = "clients"
    verbose_name = "Clients"
