from django.apps import AppConfig


class TreatmentConfig(AppConfig):
    name = "tenant_apps.treatment"
    label = "treatment"
    verbose_name = "Treatment gate"
