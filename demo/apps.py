from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Code only (no models): the demo spas, people and calendars (`manage.py demo`).

    Above every app (it seeds through their services), below `config`."""

    name = "demo"
    verbose_name = "Demo data (development only)"
