"""Periodic jobs replace the scheduled commands; spa jobs retry with backoff."""

from __future__ import annotations

from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.jobs import Job

from shared_apps.jobs.spa import DEFAULT_RETRY
from tenant_apps.messaging.sending import message_send


def test_periodic_jobs_replace_the_scheduled_commands():
    periodic = {
        task.periodic_id: (task.task.name, task.cron)
        for task in app.periodic_registry.periodic_tasks.values()
    }

    assert periodic == {
        "billing_enforce": ("billing.enforce", "7 * * * *"),
        "billing_reconcile": ("billing.reconcile", "23 4 * * *"),
        "console_usage": ("console.usage", "17 * * * *"),
        "console_metrics": ("console.metrics", "37 * * * *"),
        "retry_stalled_jobs": ("jobs.retry_stalled", "* * * * *"),
        "spa_spares": ("lifecycle.spares", "*/5 * * * *"),
        "forms_reminder_links": ("forms.reminder_fanout", "*/15 * * * *"),
        "files_sweep": ("files.sweep_fanout", "41 3 * * *"),
    }


def test_a_failing_spa_job_is_retried_with_growing_waits_then_given_up():
    decisions = [
        DEFAULT_RETRY.get_retry_decision(
            exception=OSError("down"),
            job=Job(queue="spa", lock=None, queueing_lock=None, task_name="x", attempts=n),
        )
        for n in range(6)
    ]

    waits = [round((d.retry_at - timezone.now()).total_seconds()) for d in decisions[:5] if d]
    assert waits == [3, 9, 27, 81, 243]
    assert decisions[5] is None
    assert message_send.retry_strategy is DEFAULT_RETRY


def test_the_periodic_jobs_run(db):
    from shared_apps.billing.tasks import billing_enforce_hourly
    from shared_apps.console.tasks import console_metrics_hourly, console_usage_hourly
    from shared_apps.lifecycle.tasks import spa_spares_keep
    from tenants.citus import citus_enabled

    if not citus_enabled():  # on Citus, tests/tenants/test_citus.py fills spares, committing
        assert spa_spares_keep(timestamp=0) == 0  # nothing to keep off Citus
    assert billing_enforce_hourly(timestamp=0) >= 0
    assert console_usage_hourly(timestamp=0) >= 0
    console_metrics_hourly(timestamp=0)
