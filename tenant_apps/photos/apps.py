from django.apps import AppConfig


class PhotosConfig(AppConfig):
    name = "tenant_apps.photos"
    label = "photos"
    verbose_name = "Clinical photos"
