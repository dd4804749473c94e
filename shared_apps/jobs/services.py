"""Retrying and cancelling jobs from the console (audited there, in the same
transaction: shared_apps/console/services.py)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.manager import JobManager

_jobs = JobManager(DjangoConnector())


class JobNotActionable(Exception):
    """The job is not in a state the action applies to."""


def job_retry(*, job_id: int) -> str:
    """A failed job runs again now (its attempts start again); a stuck one
    ("doing" with its worker gone, or overdue) goes back to the queue now."""
    job = ProcrastinateJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in ("failed", "doing", "todo"):
        raise JobNotActionable("only failed or stuck jobs are retried")
    if job.status == "todo":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE procrastinate_jobs SET scheduled_at = %s WHERE id = %s AND status = 'todo'",
                [timezone.now(), job_id],
            )
            if cursor.rowcount != 1:
                raise JobNotActionable("the job changed meanwhile")
    else:
        # Procrastinate's own retry (failed or doing -> todo, with its event),
        # on Django's connection: in the console's transaction.
        _jobs.retry_job_by_id(job_id, retry_at=timezone.now())
    return str(job.status)


def job_cancel(*, job_id: int) -> str:
    """A waiting job is cancelled; a running one is asked to abort; a failed one
    is marked cancelled (so it leaves the failed list)."""
    job = ProcrastinateJob.objects.filter(pk=job_id).first()
    if job is None:
        raise JobNotActionable("no such job")
    with connection.cursor() as cursor:
        if job.status in ("todo", "failed"):
            cursor.execute(
                "UPDATE procrastinate_jobs SET status = 'cancelled' "
                "WHERE id = %s AND status IN ('todo', 'failed')",
                [job_id],
            )
        elif job.status == "doing":
            cursor.execute(
                "UPDATE procrastinate_jobs SET abort_requested = true "
                "WHERE id = %s AND status = 'doing'",
                [job_id],
            )
        else:
            raise JobNotActionable(f"a {job.status} job cannot be cancelled")
        if cursor.rowcount != 1:
            raise JobNotActionable("the job changed meanwhile")
    return str(job.status)
