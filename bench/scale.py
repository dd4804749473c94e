"""Many spas on one PostgreSQL: provisions 1,000 spas, each with demo-sized data.

    .venv/bin/python bench/scale.py [--spas 1000] [--fresh] [--no-checks] [--stop]
                                    [--one-connection]

Each spa goes through `shared_apps.lifecycle.services.spa_provision` (the product path, timed
alone), then gets demo-sized data in bulk (bench/_data.py: 5 providers, 20
services, 500 clients, two weeks of appointments; timed apart). Prints the
provisioning time per spa by tenths of the run (does it stay flat?), the data
load time, the database and catalog sizes, and checks at the end: a cold routing
lookup among all the spas, and a no-op `migrate` over all of them.

The cluster is kept for bench/load.py: an embedded PostgreSQL in
`.data/bench-scale` (fsync on; BENCH_DATA_DIR for another folder), or
DATABASE_URL's server (a scratch database: --fresh drops it). Re-runs skip the
spas already there and add the missing ones; the per-spa timings of every run
are kept in `<data dir>/provisioning.csv`, so the tables cover the whole set.
--stop stops the embedded server at the end (bench/load.py starts it again).

Each spa starts on a new database connection, as a request or `manage.py spa
create` does; --one-connection keeps one for the whole run, whose cached
foreign-key plans then make every clone slower (bench/RESULTS.md).

Target (issue 9): provisioning under 1 s per spa from the 1st to the 1,000th.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA_DIR = ".data/bench-scale"


def setup(*, fresh: bool) -> None:
    """Django on the scale cluster, its public schema migrated (not every spa:
    that is one of the checks)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("BENCH_DATA_DIR", DEFAULT_DATA_DIR)
    import django

    django.setup()
    from django.core.management import call_command

    if fresh:
        _recreate_database()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    # As a release's `migrate` does: the template is current before any spa is made.
    from tenants.schema_template import template_ensure_current

    template_ensure_current()


def _recreate_database() -> None:
    import psycopg
    from django.db import connection

    params = connection.settings_dict
    connection.close()
    with psycopg.connect(
        dbname="postgres",
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"],
        port=params["PORT"] or 5432,
        autocommit=True,
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{params["NAME"]}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{params["NAME"]}"')


def data_dir() -> Path | None:
    name = os.environ.get("BENCH_DATA_DIR")
    return ROOT / name if name else None


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spas", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="drop the database first")
    parser.add_argument("--no-checks", action="store_true", help="skip routing and migrate checks")
    parser.add_argument("--stop", action="store_true", help="stop the embedded server at the end")
    parser.add_argument(
        "--one-connection",
        action="store_true",
        help="keep one database connection for the whole run (by default each spa starts on "
        "a new one, as a request or `manage.py spa create` does): its cached plans grow with "
        "every spa loaded and slow each DDL down (see bench/RESULTS.md)",
    )
    args = parser.parse_args()
    setup(fresh=args.fresh)

    from _data import spa_fill, spa_slug, spa_zone
    from django.utils import timezone

    from shared_apps.accounts.models import Membership
    from shared_apps.lifecycle.services import spa_provision
    from tenants.db import connection
    from tenants.models import Spa

    folder = data_dir() or ROOT / ".data" / "bench-scale-url"
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "provisioning.csv"
    if args.fresh and log_path.exists():
        log_path.unlink()
    filled = set(
        Membership.objects.filter(spa__slug__startswith="scale-", role="front_desk").values_list(
            "spa__slug", flat=True
        )
    )
    now = timezone.now()
    todo = [n for n in range(1, args.spas + 1) if spa_slug(n) not in filled]
    print(f"{len(filled)} spas there already; provisioning {len(todo)} (up to {args.spas})")
    started = time.perf_counter()
    load_total = 0.0
    recent: list[float] = []
    with open(log_path, "a", newline="") as log:
        writer = csv.writer(log)
        for i, n in enumerate(todo, 1):
            slug = spa_slug(n)
            backend = _backend()
            cpu0 = time.process_time() + _cpu(backend)
            t0 = time.perf_counter()
            spa = spa_provision(
                slug=slug,
                name=f"Scale Spa {n}",
                timezone_name=spa_zone(n),
                owner_email=f"owner@{slug}.bench.example",
            )
            t1 = time.perf_counter()
            cpu = time.process_time() + _cpu(backend) - cpu0
            loaded = spa_fill(spa, seed=n, now=now)
            t2 = time.perf_counter()
            load_total += t2 - t1
            recent.append(t1 - t0)
            if not args.one_connection:
                # Foreign-key checks leave a cached plan per constraint of every spa
                # loaded in the backend, and every catalog change (the next clone's
                # hundreds) walks them all: a new connection per spa, as production
                # has (CONN_MAX_AGE: a minute of requests at most).
                connection.close()
            writer.writerow(
                [
                    n,
                    f"{t1 - t0:.6f}",
                    f"{t2 - t1:.6f}",
                    loaded.appointments,
                    f"{cpu:.6f}",
                    f"{os.getloadavg()[0]:.2f}",
                ]
            )
            if i % 50 == 0 or i == len(todo):
                log.flush()
                print(
                    f"  {n:>5} spas  {time.perf_counter() - started:7.1f} s  provisioning "
                    f"median {ms(statistics.median(recent))}, max {ms(max(recent))} (last "
                    f"{len(recent)}); data load {ms(t2 - t1)} ({loaded.clients} clients, "
                    f"{loaded.appointments} appointments, {loaded.lines} lines, "
                    f"{loaded.holds} holds; {loaded.booked_minutes / loaded.working_minutes:.0%} "
                    "of working time booked)",
                    flush=True,
                )
                recent = []
    if todo:
        print(
            f"\nthis run: {len(todo)} spas in {time.perf_counter() - started:.1f} s; data load "
            f"{load_total:.1f} s in all ({ms(load_total / len(todo))} a spa)"
        )
    report(log_path, args.spas)
    sizes()
    if not args.no_checks:
        checks(Spa.objects.filter(slug__startswith="scale-").count())
    if args.stop:
        stop()


def _backend() -> int:
    """The process id of this connection's PostgreSQL backend."""
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu(pid: int) -> float:
    """CPU seconds a process has used (a backend of the embedded server, on this
    machine; 0 for a server elsewhere)."""
    import psutil

    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.Error:
        return 0.0
    return times.user + times.system


def report(log_path: Path, spas: int) -> None:
    """Per spa: wall time of spa_provision, data load, appointments, CPU time of
    spa_provision (this process and its PostgreSQL backend), load average."""
    rows: dict[int, tuple[float, float, int, float, float]] = {}
    with open(log_path, newline="") as log:
        for n, wall, load_s, appointments, cpu, loadavg in csv.reader(log):
            rows[int(n)] = (
                float(wall),
                float(load_s),
                int(appointments),
                float(cpu),
                float(loadavg),
            )  # the last run of a spa wins
    ns = sorted(n for n in rows if n <= spas)
    if not ns:
        return
    step = max(1, len(ns) // 10)
    print("\nspa_provision per spa, by tenths of the run (spas in provisioning order)")
    print(
        f"  {'spas':<12}{'median':>9}{'p95':>9}{'max':>9}  {'CPU median':>11}{'CPU p95':>9}"
        f"  {'data load':>10}  {'load avg':>8}"
    )

    def line(label: str, part: list[int]) -> None:
        provision = [rows[n][0] for n in part]
        cpu = [rows[n][3] for n in part]
        print(
            f"  {label:<12}{ms(statistics.median(provision)):>9}{ms(p95(provision)):>9}"
            f"{ms(max(provision)):>9}  {ms(statistics.median(cpu)):>11}{ms(p95(cpu)):>9}"
            f"  {ms(statistics.median(rows[n][1] for n in part)):>10}"
            f"  {statistics.mean(rows[n][4] for n in part):>8.1f}"
        )

    for lo in range(0, len(ns), step):
        part = ns[lo : lo + step]
        line(f"{part[0]}-{part[-1]}", part)
    line("all", ns)
    walls = [rows[n][0] for n in ns]
    loads = [rows[n][1] for n in ns]
    print(
        "  (median/p95/max: wall time of spa_provision; CPU: its CPU time in this process "
        "and its PostgreSQL backend; data load: median per spa; load avg: the machine's "
        "1-minute load average, mean)"
    )
    print(
        f"  provisioning {sum(walls):.1f} s in all; data load {sum(loads):.1f} s in all; "
        f"{sum(rows[n][2] for n in ns)} appointments; over 1 s: "
        f"{sum(1 for w in walls if w >= 1)} of {len(ns)}"
    )


def sizes() -> None:
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_database_size(current_database()), "
            "(SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'spa\\_%%'), "
            "current_setting('shared_buffers'), version()"
        )
        db_size, schemas, shared_buffers, version = cursor.fetchone()
        cursor.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relnamespace = 'spa_scale_0001'::regnamespace AND c.relkind IN ('r', 'm')"
        )
        (one_spa,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relnamespace = 'spa_scale_0001'::regnamespace"
        )
        (relations_per_spa,) = cursor.fetchone()
        print(f"\n{version.split(',')[0]}; shared_buffers {shared_buffers}")
        print(f"database size: {db_size / 2**20:,.0f} MiB; spa schemas: {schemas}")
        print(
            f"one spa (spa_scale_0001): {one_spa / 2**20:.1f} MiB in "
            f"{relations_per_spa} relations (tables, indexes, TOAST, sequences)"
        )
        counts = []
        for table in (
            "pg_class",
            "pg_attribute",
            "pg_index",
            "pg_constraint",
            "pg_depend",
            "pg_type",
            "pg_namespace",
            "pg_trigger",
            "pg_proc",
        ):
            # Catalog names from the list above, not input.
            sql = f"SELECT count(*), pg_total_relation_size('pg_catalog.{table}') FROM pg_catalog.{table}"  # noqa: E501, S608
            cursor.execute(sql)
            rows, size = cursor.fetchone()
            counts.append((table, rows, size))
        cursor.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
            "WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r'"
        )
        (catalog,) = cursor.fetchone()
        print(f"catalog (every pg_catalog table with its indexes): {catalog / 2**20:,.0f} MiB")
        print(f"  {'relation':<15}{'rows':>12}{'size':>12}")
        for table, rows, size in counts:
            print(f"  {table:<15}{rows:>12,}{size / 2**20:>9.1f} MiB")


def checks(count: int) -> None:
    from _data import spa_slug
    from django.conf import settings
    from django.core.management import call_command
    from django.http import HttpResponse
    from django.test import RequestFactory

    from tenants.db import connection
    from tenants.middleware import SpaRoutingMiddleware
    from tenants.routing import directory

    middleware = SpaRoutingMiddleware(lambda request: HttpResponse())
    factory = RequestFactory()
    rng = random.Random(9)
    hosts = [f"{spa_slug(rng.randint(1, count))}.{settings.ROOT_DOMAIN}" for _ in range(500)]
    requests = [factory.get("/graphql/", HTTP_HOST=host) for host in hosts]
    directory.check_version()
    # past the fill limit: one domain + spa query per cold host
    fill_limit = settings.SPA_ROUTING_FILL_LIMIT
    settings.SPA_ROUTING_FILL_LIMIT = 0
    cold = []
    for request in requests:
        directory.invalidate()
        t0 = time.perf_counter()
        middleware.process_request(request)
        cold.append(time.perf_counter() - t0)
    settings.SPA_ROUTING_FILL_LIMIT = fill_limit
    # within it: a cold process's first lookup loads every domain in one query
    fills = []
    for request in requests[:50]:
        directory.invalidate()
        t0 = time.perf_counter()
        middleware.process_request(request)
        fills.append(time.perf_counter() - t0)
    directory.invalidate()
    tracemalloc.start()
    directory.fill()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    for request in requests:
        middleware.process_request(request)
    warm = []
    for request in requests:
        t0 = time.perf_counter()
        middleware.process_request(request)
        warm.append(time.perf_counter() - t0)
    connection.set_schema_to_public()
    print(f"\nrouting among {count} spas, 500 random hosts:")
    print(
        f"  cold, one host at a time: median {statistics.median(cold) * 1e6:.0f} us, "
        f"p95 {p95(cold) * 1e6:.0f} us;  warm: median {statistics.median(warm) * 1e6:.1f} us"
    )
    print(
        f"  fill (every domain in one query): median {statistics.median(fills) * 1e3:.1f} ms, "
        f"p95 {p95(fills) * 1e3:.1f} ms; the filled directory holds {held / 2**20:.1f} MiB"
    )
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    took = time.perf_counter() - t0
    print(
        f"no-op `migrate` over {count} spas ({settings.SPA_MIGRATION_PROCESSES} processes): "
        f"{took:.1f} s ({took / count * 1000:.0f} ms a spa)"
    )


def stop() -> None:
    from core.database import embedded_server, stop_embedded

    folder = data_dir()
    server = embedded_server(folder) if folder else None
    if server is not None:
        from django.db import connection

        connection.close()
        stop_embedded(server)
        print(f"stopped the embedded server (data kept in {folder})")


if __name__ == "__main__":
    main()
