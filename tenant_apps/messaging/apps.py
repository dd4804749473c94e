from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "tenant_apps.messaging"
    label = "messaging"
    verbose_name = "Patient messaging"
