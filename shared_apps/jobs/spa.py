"""Jobs that belong to a spa: deferred on the spa's connection, inside the
transaction of the write that causes them, and run in that spa's schema.

`spa_task` declares one (the function gets its keyword arguments, never the
schema); `defer_in_spa` enqueues it. The job row carries the spa's schema name
(`spa_schema`), and the worker runs the function with the connection on that
schema (django-tenants' `tenant_context`) in one transaction. A job whose spa
is gone or closed does nothing; a job naming no spa schema (public, the template, a name
that is not a spa's) is refused and fails, never run in the wrong place
(docs/adr/0009-jobs-procrastinate.md).

Deferring goes through Procrastinate's Django connector, on Django's own
connection, even in the worker (whose own connector has a pool of its own):
a job that defers another does it in its own transaction too.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django_tenants.utils import tenant_context
from procrastinate import RetryStrategy, manager
from procrastinate.contrib.django import app
from procrastinate.contrib.django.django_connector import DjangoConnector
from procrastinate.tasks import Task

from tenants.db import connection
from tenants.models import Spa, SpaStatus
from tenants.validators import SCHEMA_PREFIX

logger = logging.getLogger(__name__)

# The keyword argument every spa job carries.
SPA_SCHEMA = "spa_schema"
# The queue spa jobs go to (platform jobs: "platform").
SPA_QUEUE = "spa"
# A failed run is retried 5 times, after 3 s, 9 s, 27 s, 81 s and 243 s (3 ** n),
# then the job is "failed" (the console's Jobs page retries it by hand).
DEFAULT_RETRY = RetryStrategy(max_attempts=5, exponential_wait=3)

# Jobs deferred on Django's connection: inside the caller's transaction.
_jobs_in_transaction = manager.JobManager(DjangoConnector())


class NotASpaSchema(Exception):
    """A spa job named a schema that is no spa's: refused, never run."""


def _spa_for(schema: str) -> Spa | None:
    if not schema.startswith(SCHEMA_PREFIX):
        raise NotASpaSchema(f"{schema!r} is not a spa schema")
    # The spa table is public; on a spa's connection search_path reaches it too.
    return Spa.objects.filter(schema_name=schema).first()


def spa_task(
    *,
    name: str,
    retry: RetryStrategy | int | bool = DEFAULT_RETRY,
    atomic: bool = True,
    **options: Any,
) -> Callable[[Callable[..., Any]], Task[..., Any, Any]]:
    """Declare a spa job: `func(**kwargs)` runs with the connection on the spa's
    schema, in one transaction (what it writes and the jobs it defers commit
    together or not at all); `atomic=False` for a job that commits in steps
    itself (sending a message: tenant_apps/messaging/sending.py)."""

    def decorate(func: Callable[..., Any]) -> Task[..., Any, Any]:
        @functools.wraps(func)
        def run(*, spa_schema: str, **kwargs: Any) -> Any:
            # tenant_context puts the connection back where it was (public, in a worker).
            spa = _spa_for(spa_schema)
            if spa is None:
                logger.info("job for a removed spa skipped", extra={"task": name})
                return None
            if spa.status == SpaStatus.CLOSED:
                # A closed spa's patients hear nothing more from it.
                logger.info("job for a closed spa skipped", extra={"task": name})
                return None
            with tenant_context(spa):
                if connection.schema_name != spa_schema:  # pragma: no cover (a guard)
                    raise NotASpaSchema(f"connection on {connection.schema_name!r}")
                if not atomic:
                    return func(**kwargs)
                with transaction.atomic():
                    return func(**kwargs)

        task: Task[..., Any, Any] = app.task(
            name=name, queue=options.pop("queue", SPA_QUEUE), retry=retry, **options
        )(run)
        return task

    return decorate


def defer_in_spa(
    task: Task[..., Any, Any], *, run_at: dt.datetime | None = None, **kwargs: Any
) -> int:
    """Enqueue `task` for the spa the connection is on, in the current
    transaction (rolled back with it); its id."""
    schema = connection.schema_name
    if not schema.startswith(SCHEMA_PREFIX):
        raise NotASpaSchema(f"a spa job cannot be deferred on {schema!r}")
    job = task.configure(schedule_at=run_at).make_new_job(**{SPA_SCHEMA: schema, **kwargs})
    deferred = _jobs_in_transaction.defer_job(job)
    assert deferred.id is not None
    return deferred.id


def defer_in_each_spa(task: Task[..., Any, Any], spas: Iterable[Spa], **kwargs: Any) -> int:
    """Enqueue `task` once in each of `spas` (a periodic job's fan-out, each
    spa's run then on its own schema); how many were enqueued."""
    count = 0
    for spa in spas:
        with tenant_context(spa):
            defer_in_spa(task, **kwargs)
        count += 1
    return count


def defer_in_spa_by_name(
    task_name: str, *, run_at: dt.datetime | None = None, **kwargs: Any
) -> int:
    """`defer_in_spa` by the task's name: for a caller that must not import the
    app that handles the job (scheduling tells messaging an appointment changed)."""
    return defer_in_spa(app.tasks[task_name], run_at=run_at, **kwargs)


def defer_platform(
    task: Task[..., Any, Any], *, run_at: dt.datetime | None = None, **kwargs: Any
) -> int:
    """Enqueue a platform job (no spa) in the current transaction; its id."""
    job = task.configure(schedule_at=run_at).make_new_job(**kwargs)
    deferred = _jobs_in_transaction.defer_job(job)
    assert deferred.id is not None
    return deferred.id
