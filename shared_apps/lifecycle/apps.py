from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    """Code only (no models): where a spa's tenancy meets its people and its billing."""

    name = "shared_apps.lifecycle"
    label = "lifecycle"
    verbose_name = "Spa lifecycle: provisioning with owner and trial, signup, export and restore"
