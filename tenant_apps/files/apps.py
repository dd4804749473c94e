from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "tenant_apps.files"
    label = "files"
    verbose_name = "Patient files"
