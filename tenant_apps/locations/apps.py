from django.apps import AppConfig


class LocationsConfig(AppConfig):
    name = "tenant_apps.locations"
    label = "locations"
    verbose_name = "Locations"
