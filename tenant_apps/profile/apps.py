from django.apps import AppConfig


class ProfileConfig(AppConfig):
    name = "tenant_apps.profile"
    label = "profile"
    verbose_name = "Spa profile"
