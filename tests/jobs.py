"""Running queued jobs inside a test's transaction, as a worker would call them.

The worker itself (`manage.py worker`) only sees committed jobs; most tests
never commit, so `run_jobs` takes the jobs this connection can see (its own
transaction's included), due by `until`, oldest first, calls each task's
function with the job's arguments, and marks the job done, until none is left.
Tests of the worker itself run it for real (tests/shared_apps/jobs/test_worker.py).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from typing import Any

from django.utils import timezone
from procrastinate.contrib.django import app

from tenants.db import connection


def queued_jobs(task_name: str | None = None) -> list[dict[str, Any]]:
    """The spa jobs waiting ("todo"), oldest first: id, task, args, scheduled_at.
    (Periodic platform jobs a real worker deferred are not run here.)"""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, task_name, args, scheduled_at FROM public.procrastinate_jobs "
            "WHERE status = 'todo' AND queue_name = 'spa' "
            "AND (%s::text IS NULL OR task_name = %s) ORDER BY id",
            [task_name, task_name],
        )
        return [
            {
                "id": row[0],
                "task": row[1],
                "args": json.loads(row[2]) if isinstance(row[2], str) else row[2],
                "scheduled_at": row[3],
            }
            for row in cursor.fetchall()
        ]


def run_jobs(*, until: dt.datetime | None = None, limit: int = 1000) -> list[tuple[str, Any]]:
    """Run the due jobs (and the ones they defer) on this connection; (task, result) each."""
    fixed = until
    tenant = connection.tenant
    done: list[tuple[str, Any]] = []
    try:
        for _ in range(limit):
            until = fixed or timezone.now()
            due = [
                job
                for job in queued_jobs()
                if job["scheduled_at"] is None or job["scheduled_at"] <= until
            ]
            if not due:
                return done
            job = due[0]
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE public.procrastinate_jobs SET status = 'doing' WHERE id = %s",
                    [job["id"]],
                )
            task = app.tasks[job["task"]]
            args = dict(job["args"])
            scheduled = job["scheduled_at"]
            if (
                fixed is not None
                and scheduled is not None
                and scheduled > timezone.now()
                and "at" in inspect.signature(task.func).parameters
            ):
                # Run "later" (until): a task that takes the time to act as of
                # gets the time it was scheduled for, as a worker then would.
                args.setdefault("at", scheduled.isoformat())
            result = task(**args)
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE public.procrastinate_jobs SET status = 'succeeded' WHERE id = %s",
                    [job["id"]],
                )
            done.append((job["task"], result))
        raise AssertionError("jobs keep deferring jobs")
    finally:
        if tenant.schema_name == "public":
            connection.set_schema_to_public()
        else:
            connection.set_tenant(tenant)
