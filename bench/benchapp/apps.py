from django.apps import AppConfig


class BenchAppConfig(AppConfig):
    """A tenant app for bench/migrations.py only: 0002 adds one column."""

    name = "bench.benchapp"
    label = "benchapp"
