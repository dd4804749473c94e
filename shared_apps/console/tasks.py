"""The console's periodic jobs (Procrastinate; docs/adr/0009-jobs-procrastinate.md).
The commands stay for operators: `manage.py console_usage`, `console_metrics`."""

from __future__ import annotations

from procrastinate.contrib.django import app

from shared_apps.console.usage import platform_day_record, usage_refresh_all


@app.periodic(cron="17 * * * *", periodic_id="console_usage")
@app.task(name="console.usage", queue="platform", queueing_lock="console.usage")
def console_usage_hourly(timestamp: int) -> int:
    """Hourly: each spa's clients, appointments this month and data size."""
    return len(usage_refresh_all(slugs=None).usages)


@app.periodic(cron="37 * * * *", periodic_id="console_metrics")
@app.task(name="console.metrics", queue="platform", queueing_lock="console.metrics")
def console_metrics_hourly(timestamp: int) -> None:
    """Hourly: today's platform figures (overwritten each run)."""
    platform_day_record()
