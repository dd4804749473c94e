from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "tenant_apps.clients"
    label = "clients"
    verbose_name = "Clients"
