"""Jobs and messaging (issue 20): what deferring a job adds to a booking, and
how fast workers send reminders.

    .venv/bin/python bench/jobs.py [--bookings 200] [--spas 100] [--per-spa 100]
                                   [--workers 2] [--concurrency 4]

1. Enqueue cost: bookings through `appointment_book` (each defers its messaging
   job by name in its own transaction: tenant_apps/scheduling/services/notify.py);
   the queries and time of a whole booking, and of the defer alone.
2. Throughput: `--spas` spas with `--per-spa` patients each, one reminder per
   patient (one appointment each, a month ahead), all due at the same instant
   T0; `--workers` worker processes (`manage.py worker`, as in production) send
   them (SMS through core/sms.py's file transport: Twilio's client builds every
   request, nothing leaves the machine). Prints jobs per second (send jobs over
   the time from T0 to the last send) and the latency from due to sent (p50,
   p95, max). The patients are where it is about noon, so quiet hours hold
   nothing back; every reminder passes consent, caps and length checks.

A throw-away embedded PostgreSQL with fsync on (config/settings/bench.py), or
DATABASE_URL's server (a scratch database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from _django import ROOT, setup, summary


def database_url() -> str:
    from django.db import connection

    conf = connection.settings_dict
    host = quote(conf["HOST"], safe="") if str(conf["HOST"]).startswith("/") else conf["HOST"]
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgresql://{auth}@{host}:{conf['PORT']}/{conf['NAME']}"


def enqueue_cost(bookings: int) -> None:
    from django.db import connection as django_connection
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from shared_apps.jobs.spa import defer_in_spa_by_name
    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.audit.services import Actor
    from tenant_apps.scheduling.services.booking import appointment_book
    from tenant_apps.scheduling.services.notify import EVENT_TASK
    from tenants.db import connection
    from tests.tenant_apps.scheduling.factories import a_desk

    spa = spa_provision(
        slug="bench-enqueue", name="Bench Enqueue", timezone_name="UTC", owner_email="o@b.example"
    )
    connection.set_tenant(spa)
    desk = a_desk(providers=8, rooms=8, clients=50, timezone="UTC")
    actor = Actor(user_id=1, role="front_desk")
    first_day = dt.date.today() + dt.timedelta(days=2)
    booking_seconds, booking_queries, defer_seconds, defer_queries = [], [], [], []
    for n in range(bookings):
        day = first_day + dt.timedelta(days=n // 64)
        hour = 9 + (n // 8) % 8
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)
        with CaptureQueriesContext(django_connection) as queries:
            started = time.perf_counter()
            appointment = appointment_book(
                actor=actor,
                client_id=desk.clients[n % 50].pk,
                provider_id=desk.providers[n % 8].pk,
                location_id=desk.location.pk,
                service_ids=[desk.service.pk],
                starts_at=start,
            )
            booking_seconds.append(time.perf_counter() - started)
        booking_queries.append(len(queries))
        with transaction.atomic(), CaptureQueriesContext(django_connection) as queries:
            started = time.perf_counter()
            defer_in_spa_by_name(EVENT_TASK, appointment_id=appointment.pk, event="booked")
            defer_seconds.append(time.perf_counter() - started)
        defer_queries.append(len(queries))
    connection.set_schema_to_public()
    # Its jobs are not part of the throughput run.
    with django_connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM procrastinate_jobs WHERE args->>'spa_schema' = %s", [spa.schema_name]
        )
    print(f"## Enqueue cost inside a booking ({bookings} bookings through appointment_book)")
    print(
        f"  booking, whole:  {summary(booking_seconds)}   "
        f"queries {statistics.median(booking_queries):.0f}"
    )
    print(
        f"  the defer alone: {summary(defer_seconds)}   "
        f"queries {statistics.median(defer_queries):.0f}"
    )
    share = statistics.median(defer_seconds) / statistics.median(booking_seconds) * 100
    print(f"  the defer is {share:.1f}% of a booking's median time")
    print()


def noon_zone() -> str:
    from django.utils import timezone

    offset = max(-12, min(14, 12 - timezone.now().hour))
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"


def fill(spas: int, per_spa: int) -> list[str]:
    from django.db import transaction
    from django.utils import timezone

    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.clients.models import Client
    from tenant_apps.messaging.models import Channel, MessageKind
    from tenant_apps.messaging.sending import message_queue
    from tenant_apps.scheduling.models import Appointment
    from tenants.db import connection
    from tenants.models import Spa
    from tests.tenant_apps.scheduling.factories import a_desk

    zone = noon_zone()
    schemas = []
    queued: list[tuple[Spa, list[tuple[Client, Appointment]]]] = []
    started = time.perf_counter()
    far = timezone.now() + dt.timedelta(days=365)
    for n in range(spas):
        spa = spa_provision(
            slug=f"bench-jobs-{n:03d}",
            name=f"Bench Jobs {n}",
            timezone_name=zone,
            owner_email=f"o{n}@bench-jobs.example",
        )
        connection.set_tenant(spa)
        desk = a_desk(providers=1, rooms=1, clients=0, timezone=zone)
        clients = Client.objects.bulk_create(
            Client(first_name=f"P{i}", phone=f"+1212{n:03d}{i:04d}", country="US")
            for i in range(per_spa)
        )
        month = timezone.now() + dt.timedelta(days=30)
        appointments = Appointment.objects.bulk_create(
            Appointment(
                client=client,
                provider=desk.providers[0],
                location=desk.location,
                source="staff",
                starts_at=month + dt.timedelta(hours=i),
                ends_at=month + dt.timedelta(hours=i, minutes=30),
                blocked_from=month + dt.timedelta(hours=i),
                blocked_until=month + dt.timedelta(hours=i, minutes=30),
            )
            for i, client in enumerate(clients)
        )
        queued.append((spa, list(zip(clients, appointments, strict=True))))
        schemas.append(spa.schema_name)
        connection.set_schema_to_public()
    # Reminders are queued round the spas (one each in turn), as a day's reminders
    # of many spas fall due mixed: jobs of one spa serialise on its audit chain's
    # lock (tenant_apps/audit), jobs of different spas do not.
    for i in range(per_spa):
        for spa, pairs in queued:
            connection.set_tenant(spa)
            client, appointment = pairs[i]
            with transaction.atomic():
                message_queue(
                    key=f"reminder:{appointment.pk}:bench",
                    client=client,
                    appointment=appointment,
                    channel=Channel.SMS,
                    kind=MessageKind.REMINDER,
                    due_at=far,
                )
    connection.set_schema_to_public()
    print(
        f"  set-up: {spas} spas, {spas * per_spa} reminders queued in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return schemas


def throughput(spas: int, per_spa: int, workers: int, concurrency: int) -> None:
    from django.db import connection as django_connection
    from django.utils import timezone

    from tenant_apps.messaging.models import Message, MessageStatus
    from tenants.db import connection
    from tenants.models import Spa

    print(
        f"## Throughput: {spas * per_spa} reminders over {spas} spas, {workers} workers "
        f"x {concurrency} threads"
    )
    schemas = fill(spas, per_spa)
    due = timezone.now() + dt.timedelta(seconds=5)
    with django_connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procrastinate_jobs SET scheduled_at = %s WHERE task_name = 'messaging.send' "
            "AND status = 'todo' AND args->>'spa_schema' = ANY(%s)",
            [due, schemas],
        )
        for schema in schemas:
            cursor.execute(f'UPDATE "{schema}".messaging_message SET due_at = %s', [due])  # noqa: S608
    sms_file = Path(tempfile.mkdtemp(prefix="bench-jobs-")) / "sms.jsonl"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "SMS_BACKEND": "file",
        "SMS_FILE_PATH": str(sms_file),
        "TWILIO_WEBHOOK_BASE_URL": "",
    }
    log = open(sms_file.parent / "workers.log", "wb")  # noqa: SIM115
    print(f"  worker logs: {sms_file.parent / 'workers.log'}", flush=True)
    processes = [
        subprocess.Popen(  # noqa: S603 (our own command)
            [
                sys.executable,
                "manage.py",
                "worker",
                "--queue",
                "spa",
                "--poll",
                "0.5",
                "--concurrency",
                str(concurrency),
                "--name",
                f"bench-{w}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        for w in range(workers)
    ]
    total = spas * per_spa
    deadline = time.monotonic() + 1800
    try:
        while time.monotonic() < deadline:
            time.sleep(1)
            with django_connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'messaging.send' "
                    "AND status IN ('todo', 'doing') AND args->>'spa_schema' = ANY(%s)",
                    [schemas],
                )
                (left,) = cursor.fetchone()
            if left == 0:
                break
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=120)
    latencies: list[float] = []
    last = due
    statuses: dict[str, int] = {}
    for schema in schemas:
        connection.set_schema_to_public()
        connection.set_tenant(Spa.objects.get(schema_name=schema))
        for status, sent_at in Message.objects.values_list("status", "sent_at"):
            statuses[status] = statuses.get(status, 0) + 1
            if status == MessageStatus.SENT and sent_at is not None:
                latencies.append((sent_at - due).total_seconds())
                last = max(last, sent_at)
    connection.set_schema_to_public()
    lines = sms_file.read_text().count("\n") if sms_file.exists() else 0
    span = (last - due).total_seconds()
    print(f"  messages by status: {statuses}; texts handed to the transport: {lines}")
    print(f"  {len(latencies)} sent in {span:.1f} s from T0: {len(latencies) / span:.0f} jobs/s")
    ms = sorted(latencies)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18]
    print(f"  due -> sent: p50 {statistics.median(ms):.1f} s, p95 {p95:.1f} s, max {ms[-1]:.1f} s")
    assert lines == len(latencies) == total, "every reminder sent exactly once"


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser()
    parser.add_argument("--bookings", type=int, default=200)
    parser.add_argument("--spas", type=int, default=100)
    parser.add_argument("--per-spa", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    setup()
    enqueue_cost(args.bookings)
    throughput(args.spas, args.per_spa, args.workers, args.concurrency)


if __name__ == "__main__":
    main()
