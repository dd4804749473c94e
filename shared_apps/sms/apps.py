from django.apps import AppConfig


class SmsConfig(AppConfig):
    name = "shared_apps.sms"
    label = "sms"
    verbose_name = "The platform's SMS number"
