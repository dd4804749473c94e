"""What the console shows of the queue: failed jobs, and stuck ones (taken by a
worker that stopped writing its heartbeat, or due long ago and never taken)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from procrastinate.contrib.django.models import ProcrastinateJob

from shared_apps.jobs.tasks import STALLED_AFTER_SECONDS

# A job due this long ago and still waiting: no worker is taking the queue.
OVERDUE_AFTER = dt.timedelta(minutes=15)
PAGE_SIZE = 100


@dataclass(frozen=True)
class JobRow:
    id: int
    task: str
    queue: str
    status: str
    attempts: int
    scheduled_at: dt.datetime | None
    spa_schema: str
    why: str


def _row(job: Any, why: str) -> JobRow:
    args = job.args if isinstance(job.args, dict) else {}
    return JobRow(
        id=job.id,
        task=job.task_name,
        queue=job.queue_name,
        status=job.status,
        attempts=job.attempts,
        scheduled_at=job.scheduled_at,
        spa_schema=str(args.get("spa_schema", "")),
        why=why,
    )


def job_counts() -> dict[str, int]:
    """Jobs by status."""
    rows = ProcrastinateJob.objects.values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def failed_jobs() -> list[JobRow]:
    jobs = ProcrastinateJob.objects.filter(status="failed").order_by("-id")[:PAGE_SIZE]
    return [_row(job, "failed after its retries") for job in jobs]


def stuck_jobs(*, now: dt.datetime | None = None) -> list[JobRow]:
    now = now or timezone.now()
    silent = now - dt.timedelta(seconds=STALLED_AFTER_SECONDS)
    doing = ProcrastinateJob.objects.filter(status="doing").filter(
        Q(worker__isnull=True) | Q(worker__last_heartbeat__lt=silent)
    )
    overdue = ProcrastinateJob.objects.filter(status="todo", scheduled_at__lt=now - OVERDUE_AFTER)
    return [_row(job, "its worker stopped") for job in doing.order_by("id")[:PAGE_SIZE]] + [
        _row(job, "due long ago, not taken") for job in overdue.order_by("id")[:PAGE_SIZE]
    ]
