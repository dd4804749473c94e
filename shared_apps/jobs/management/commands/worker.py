"""manage.py worker: work off the job queue (docs/adr/0009-jobs-procrastinate.md).

Run as many as you like, on any machines, against the same database: each job
is taken by one worker (PostgreSQL row locks). The worker also defers the
periodic tasks (each due run once, whichever worker gets there first). SIGTERM
or Ctrl-C stops it after the jobs in hand (up to --grace seconds); a worker
killed outright leaves its jobs "doing", and another worker's stalled-job check
(shared_apps/jobs/tasks.py) puts them back in the queue.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from procrastinate.contrib.django import app

from shared_apps.jobs.spa import SPA_QUEUE

PLATFORM_QUEUE = "platform"


class Command(BaseCommand):
    help = "Run a job worker (until stopped; --once: until the queue is empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            help=f"a queue to work ({SPA_QUEUE}, {PLATFORM_QUEUE}); repeat for several; "
            "default: all",
        )
        parser.add_argument(
            "--concurrency", type=int, default=4, help="jobs run at once (threads), default 4"
        )
        parser.add_argument(
            "--name", default=None, help="the worker's name in logs and the console"
        )
        parser.add_argument(
            "--once", action="store_true", help="stop when no job is due (for scripts and tests)"
        )
        parser.add_argument(
            "--grace",
            type=float,
            default=30.0,
            help="seconds the jobs in hand get to finish on SIGTERM (default 30)",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=5.0,
            help="seconds between polls when no notification arrives (default 5)",
        )

    def handle(
        self,
        *args: Any,
        queues: list[str] | None,
        concurrency: int,
        name: str | None,
        once: bool,
        grace: float,
        poll: float,
        **_: Any,
    ) -> None:
        # The worker's own connector (a psycopg pool with LISTEN/NOTIFY) for
        # fetching jobs; jobs deferred by tasks still go through Django's
        # connection (shared_apps/jobs/spa.py).
        connector = app.connector.get_worker_connector()  # type: ignore[attr-defined]
        with app.replace_connector(connector):
            app.run_worker(
                queues=queues,
                concurrency=concurrency,
                name=name,
                wait=not once,
                shutdown_graceful_timeout=grace,
                fetch_job_polling_interval=poll,
                install_signal_handlers=True,
            )
