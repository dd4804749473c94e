"""The console's jobs page: failed and stuck jobs listed, retried or cancelled
by platform staff, each action in the platform audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.jobs.spa import defer_in_spa
from tenant_apps.messaging.events import appointment_event
from tenants.db import connection
from tests.conftest import HostClient
from tests.jobs import queued_jobs


def a_job(spa, *, status: str, scheduled_at: dt.datetime | None = None) -> int:
    connection.set_tenant(spa)
    job_id = defer_in_spa(appointment_event, appointment_id=1, event="booked")
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        if status == "failed":
            cursor.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", [job_id])
        cursor.execute(
            "UPDATE procrastinate_jobs SET status = %s, scheduled_at = %s WHERE id = %s",
            [status, scheduled_at, job_id],
        )
    return job_id


def status_of(job_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id])
        return str(cursor.fetchone()[0])


def test_failed_and_stuck_jobs_are_listed_and_retried_or_cancelled(glow, console):
    failed = a_job(glow, status="failed")
    overdue = a_job(glow, status="todo", scheduled_at=timezone.now() - dt.timedelta(hours=2))
    fresh = a_job(glow, status="todo")

    html = console.get("/console/jobs/").content.decode()

    assert f'action="/console/jobs/{failed}/retry/"' in html
    assert f'action="/console/jobs/{overdue}/cancel/"' in html
    assert f"/console/jobs/{fresh}/" not in html
    assert "spa_glow" in html

    retried = console.post(f"/console/jobs/{failed}/retry/")
    cancelled = console.post(f"/console/jobs/{overdue}/cancel/")

    assert retried.status_code == cancelled.status_code == 302
    assert status_of(failed) == "todo"
    assert status_of(overdue) == "cancelled"
    assert failed in [job["id"] for job in queued_jobs()]
    entries = list(ConsoleAuditEntry.objects.filter(action__startswith="job_").order_by("pk"))
    assert [(e.action, e.detail["job_id"], e.spa_slug) for e in entries] == [
        (ConsoleAction.JOB_RETRY, failed, "glow"),
        (ConsoleAction.JOB_CANCEL, overdue, "glow"),
    ]


def test_a_job_in_no_state_to_act_on_is_refused_and_nothing_is_audited(glow, console):
    done = a_job(glow, status="todo")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", [done])
        cursor.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = %s", [done])

    response = console.post(f"/console/jobs/{done}/retry/", follow=True)

    assert "only failed or stuck jobs are retried" in response.content.decode()
    assert status_of(done) == "succeeded"
    assert not ConsoleAuditEntry.objects.filter(action__startswith="job_").exists()


@pytest.mark.parametrize("path", ["/console/jobs/", "/console/jobs/1/retry/"])
def test_only_platform_staff_reach_the_jobs_page(path, db):
    client = HostClient(settings.ROOT_DOMAIN)
    response = client.post(path) if path.endswith("retry/") else client.get(path)
    assert response.status_code in (302, 403)
