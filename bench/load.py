"""The platform under load: gunicorn with the production config and settings on
loopback, driven by locust with the front desk's mix (bench/locustfile.py),
across 1,000 spas and on 1 spa.

    .venv/bin/python bench/load.py [--spas 1000] [--users 8] [--workers 4]
                                   [--duration 90] [--warmup 15] [--scenarios 1,1000]
                                   [--rounds 2] [--affinity]

Needs the spas of bench/scale.py (its cluster in `.data/bench-scale`, or
DATABASE_URL) and the bench extra (`pip install -e '.[bench]'`: locust).

For each scenario it starts gunicorn (platform/gunicorn.conf.py,
config.settings.prod, WEB_CONCURRENCY workers, bound to 127.0.0.1 on a free
port), runs locust headless (one process, closed loop: --users users each
sending its next request as soon as the last is answered) for a warm-up that is
not counted and then for --duration seconds, samples the memory of every
gunicorn worker and of their PostgreSQL backends every 2 s, and stops the
server. Then it prints, per scenario: throughput, p50/p95/p99 per operation,
errors by kind and the expected refusals, memory per worker (start, end, max)
and CPU time by process group; and the ratio 1,000 spas / 1 spa.

--affinity serves a many-spa scenario from --workers gunicorns of one worker
each, every spa always from the same one (chosen by spa id), as a proxy hashing
the Host header would: each worker and its connection then meet a quarter of
the spas instead of all of them. The 1-spa scenario keeps one gunicorn of
--workers workers.

Before each scenario the appointments an earlier load run booked are removed
(notes "bench/load") and every spa's front desk gets a fresh token, so runs
start from the same calendars.

Targets (issue 9): the mix on 1,000 spas within 15 % of the same mix on 1 spa;
no errors but the expected SLOT_TAKEN; memory per worker stable over the run.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = ("day schedule", "availability", "client search", "book: find slot", "book", "login")
# The GraphQL operation names bench/locustfile.py sends, as the request log records them.
OPERATION_NAMES = dict(
    zip(
        OPERATIONS,
        ("DaySchedule", "Availability", "ClientSearch", "FindSlot", "BookAppointment", "Login"),
        strict=True,
    )
)
SAMPLE_EVERY = 2.0


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    if not os.environ.get("DATABASE_URL"):
        os.environ.setdefault("BENCH_DATA_DIR", ".data/bench-scale")
    import django

    django.setup()


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    host = quote(str(db["HOST"]), safe="")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def prepare(spas: int, path: Path) -> int:
    """Write what locust needs for the first `spas` spas (hosts, tokens, ids);
    remove earlier load runs' bookings. Returns how many spas there are."""
    from _data import PASSWORD, front_desk_email, spa_slug
    from django.conf import settings
    from django.db import transaction

    from shared_apps.accounts.models import Membership
    from tenants.db import connection

    slugs = [spa_slug(n) for n in range(1, spas + 1)]
    desks = {
        m.spa.slug: m
        for m in Membership.objects.filter(spa__slug__in=slugs, role="front_desk").select_related(
            "spa"
        )
    }
    missing = [slug for slug in slugs if slug not in desks]
    if missing:
        raise SystemExit(
            f"{len(missing)} of {spas} spas are missing (first: {missing[0]}): "
            f"run bench/scale.py --spas {spas} first"
        )
    records = []
    started = time.perf_counter()
    removed = 0
    # A transaction per spa: one over every spa would lock more tables than
    # PostgreSQL's lock table holds (max_locks_per_transaction).
    for slug in slugs:
        with transaction.atomic(), connection.cursor() as cursor:
            membership = desks[slug]
            schema = membership.spa.schema_name
            for table in (
                "resourcebooking",
                "appointmentservice",
                "appointmentevent",
                "managetoken",
            ):
                cursor.execute(
                    f'DELETE FROM "{schema}".scheduling_{table} WHERE appointment_id IN '  # noqa: S608
                    f'(SELECT id FROM "{schema}".scheduling_appointment WHERE notes = %s)',
                    ["bench/load"],
                )
            cursor.execute(
                f'DELETE FROM "{schema}".scheduling_appointment WHERE notes = %s',  # noqa: S608
                ["bench/load"],
            )
            removed += cursor.rowcount
            cursor.execute(
                f'SELECT (SELECT min(id) FROM "{schema}".scheduling_location), '  # noqa: S608
                f'(SELECT array_agg(id ORDER BY id) FROM "{schema}".catalog_service '
                "WHERE is_active AND is_bookable_online), "
                f'(SELECT min(id) FROM "{schema}".clients_client), '
                f'(SELECT max(id) FROM "{schema}".clients_client)'
            )
            location, services, first_client, last_client = cursor.fetchone()
            records.append(
                {
                    "slug": slug,
                    "host": f"{slug}.{settings.ROOT_DOMAIN}",
                    "id": membership.spa.pk,
                    "token": _token(membership),
                    "email": front_desk_email(slug),
                    "password": PASSWORD,
                    "location": location,
                    "services": services,
                    "clients": [first_client, last_client],
                }
            )
    path.write_text(json.dumps(records))
    print(
        f"prepared {spas} spas in {time.perf_counter() - started:.1f} s "
        f"(removed {removed} appointments of earlier load runs; a fresh token each)"
    )
    return spas


def _token(membership) -> str:
    """A front-desk token as one in use all day: its last use recorded just now
    (a new token's first request writes `last_used_at`, as one every five minutes
    does; with a fresh token per spa, the 1,000-spa run would pay a thousand such
    writes that a day of traffic spreads thin)."""
    from django.utils import timezone

    from shared_apps.accounts.models import ApiToken
    from shared_apps.accounts.services.tokens import token_issue

    issued = token_issue(membership=membership)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=timezone.now())
    return issued.secret


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "bench-load-not-secret",
        "DATABASE_URL": database_url(),
        # Clients connect directly (no proxy): the socket's address is theirs.
        "CLIENT_IP_HEADER": "REMOTE_ADDR",
        # Production refuses mail and texts kept on the machine; nothing is sent
        # by the load's requests, so these only let the settings load.
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": "ACbench",
        "TWILIO_AUTH_TOKEN": "bench-not-secret",
        "TWILIO_WEBHOOK_BASE_URL": "https://medspa.bench",
        "ROOT_DOMAIN": os.environ.get("ROOT_DOMAIN", "medspa.bench"),
        "PORT": str(port),
        "WEB_CONCURRENCY": str(workers),
    }
    env.pop("BENCH_DATA_DIR", None)
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "platform/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/readyz", headers={"Host": "medspa.bench"}
            )
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"gunicorn did not become ready; see {log}")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@dataclass
class Samples:
    """Memory per process over the run: pid -> [(seconds, rss, uss)]; CPU seconds per group."""

    workers: dict[int, list[tuple[float, int, int]]] = field(default_factory=dict)
    backends: dict[int, list[tuple[float, int, int]]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)


def _backends():
    """The PostgreSQL backends on the bench database: during a run, only the
    gunicorn workers' connections (this process has closed its own)."""
    import psutil

    found = []
    for process in psutil.process_iter(["cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or ())
        if cmdline.startswith("postgres:") and " medspa_bench " in cmdline:
            found.append(process)
    return found


def _private_memory(pid: int) -> int | None:
    """A backend's private memory (RssAnon): its caches and work memory, not the
    shared buffers it maps (which its RSS, and its USS while no other backend
    touched a page, would count)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def sample(
    master_pids: list[int], stop: threading.Event, samples: Samples, locust_pid: int
) -> None:
    import psutil

    masters = [psutil.Process(pid) for pid in master_pids]
    began = time.monotonic()
    cpu_start: dict[int, tuple[str, float]] = {}

    def cpu_of(process, group: str) -> None:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return
        total = times.user + times.system
        if process.pid not in cpu_start:
            cpu_start[process.pid] = (group, total)
        samples.cpu[f"{group}:{process.pid}"] = total - cpu_start[process.pid][1]

    locust = psutil.Process(locust_pid)
    while True:
        now = time.monotonic() - began
        for child in [child for master in masters for child in master.children()]:
            try:
                memory = child.memory_full_info()
            except psutil.Error:
                continue
            samples.workers.setdefault(child.pid, []).append((now, memory.rss, memory.uss))
            cpu_of(child, "gunicorn")
        for backend in _backends():
            private = _private_memory(backend.pid)
            if private is None:
                continue
            samples.backends.setdefault(backend.pid, []).append((now, private, private))
            cpu_of(backend, "postgres")
        with contextlib.suppress(psutil.Error):
            for process in (locust, *locust.children(recursive=True)):
                cpu_of(process, "locust")
        if stop.is_set():
            break  # that was the last reading, taken as locust ended
        stop.wait(SAMPLE_EVERY)


def run_locust(
    *,
    ports: list[int],
    spas: int,
    users: int,
    seconds: int,
    data: Path,
    out: Path,
    today: dt.date,
) -> subprocess.Popen:
    port = ports[0]
    env = {
        **os.environ,
        # More than one port: each spa is sent to one of them, by spa id (--affinity).
        "BENCH_LOAD_PORTS": ",".join(map(str, ports)) if len(ports) > 1 else "",
        "BENCH_LOAD_FILE": str(data),
        "BENCH_LOAD_SPAS": str(spas),
        "BENCH_LOAD_OUT": str(out / "outcomes.json"),
        "BENCH_LOAD_TODAY": today.isoformat(),
    }
    return subprocess.Popen(  # noqa: S603 (our own command line)
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(out / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        env=env,
        stdout=(out / "locust.log").open("wb"),
        stderr=subprocess.STDOUT,
    )


DB_COUNTERS = """
SELECT w.wal_bytes, w.wal_fpi, w.wal_records, d.blks_read, d.blks_hit, d.xact_commit
FROM pg_stat_wal w, pg_stat_database d WHERE d.datname = current_database()"""


def db_counters() -> dict[str, float]:
    """Cluster WAL and this database's block counters (cumulative)."""
    import psycopg
    from django.db import connection

    db = connection.settings_dict
    with psycopg.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"],
        port=db["PORT"] or 5432,
        autocommit=True,
    ) as conn:
        conn.execute("SELECT pg_stat_force_next_flush()")
        row = conn.execute(DB_COUNTERS).fetchone()
    assert row is not None
    names = ("wal_bytes", "wal_fpi", "wal_records", "blks_read", "blks_hit", "commits")
    return {name: float(value) for name, value in zip(names, row, strict=True)}


@dataclass
class Result:
    spas: int
    seconds: float
    stats: dict[str, dict[str, str]]
    failures: list[dict[str, str]]
    outcomes: dict[str, int]
    samples: Samples
    restarts: int
    # From the server's request log: operation -> [(duration ms, SQL statements)].
    server: dict[str, list[tuple[float, int]]]
    # PostgreSQL's counters over the measured run (WAL, blocks read and hit, commits).
    database: dict[str, float] = field(default_factory=dict)


def server_log(path: Path) -> dict[str, list[tuple[float, int]]]:
    """The request log lines (one JSON object per request) of the measured run."""
    found: dict[str, list[tuple[float, int]]] = {}
    for line in path.read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if "duration_ms" in entry:
            found.setdefault(str(entry.get("operation")), []).append(
                (float(entry["duration_ms"]), int(entry.get("sql_queries") or 0))
            )
    return found


def scenario(args, spas: int, data: Path, work: Path, today: dt.date) -> Result:
    out = work / f"spas-{spas}"
    out.mkdir(parents=True, exist_ok=True)
    affinity = args.affinity and spas > 1
    logs = (
        [out / f"gunicorn-{i}.log" for i in range(args.workers)]
        if affinity
        else [out / "gunicorn.log"]
    )
    ports = [free_port() for _ in logs]
    workers_each = 1 if affinity else args.workers
    servers: list[subprocess.Popen] = []
    try:
        for port, log in zip(ports, logs, strict=True):
            servers.append(start_server(port, workers_each, log))
        if args.warmup:
            warm = work / f"warmup-{spas}"
            warm.mkdir(exist_ok=True)
            run_locust(
                ports=ports,
                spas=spas,
                users=args.users,
                seconds=args.warmup,
                data=data,
                out=warm,
                today=today,
            ).wait()
        offsets = [log.stat().st_size for log in logs]  # the warm-up's lines before it
        samples = Samples()
        stop = threading.Event()
        before = db_counters()
        started = time.monotonic()
        locust = run_locust(
            ports=ports,
            spas=spas,
            users=args.users,
            seconds=args.duration,
            data=data,
            out=out,
            today=today,
        )
        sampler = threading.Thread(
            target=sample, args=([server.pid for server in servers], stop, samples, locust.pid)
        )
        sampler.start()
        locust.wait()
        stop.set()
        sampler.join()
        seconds = time.monotonic() - started
    finally:
        for server in servers:
            stop_server(server)
    # The workers' backends report their counters as they exit.
    time.sleep(1)
    after = db_counters()
    with open(out / "locust_stats.csv", newline="") as stats_file:
        stats = {row["Name"]: row for row in csv.DictReader(stats_file)}
    with open(out / "locust_failures.csv", newline="") as failures_file:
        failures = list(csv.DictReader(failures_file))
    outcomes_path = out / "outcomes.json"
    outcomes = json.loads(outcomes_path.read_text()) if outcomes_path.exists() else {}
    restarts = max(0, len(samples.workers) - args.workers)
    measured = out / "gunicorn-measured.log"
    with measured.open("wb") as lines:
        for log, offset in zip(logs, offsets, strict=True):
            with open(log, "rb") as whole:
                whole.seek(offset)
                lines.write(whole.read())
    database = {key: after[key] - before[key] for key in after}
    return Result(
        spas,
        seconds,
        stats,
        failures,
        outcomes,
        samples,
        restarts,
        server_log(measured),
        database,
    )


def mib(n: float) -> str:
    return f"{n / 2**20:.0f}"


def print_result(result: Result, duration: int) -> None:
    total = result.stats.get("Aggregated", {})
    requests = int(total.get("Request Count", 0))
    print(
        f"\n== {result.spas} spa{'s' if result.spas > 1 else ''}: {requests} requests in "
        f"{duration} s, {float(total.get('Requests/s', 0)):.1f} req/s, "
        f"{int(total.get('Failure Count', 0))} failures"
    )
    print(
        f"  {'operation':<18}{'requests':>9}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'max':>8}"
        f"   {'server p50':>10}{'SQL':>5}"
    )
    for name in (*OPERATIONS, "Aggregated"):
        row = result.stats.get(name)
        if not row:
            continue
        logged = result.server.get(OPERATION_NAMES.get(name, ""), [])
        server = (
            f"{statistics.median(d for d, _ in logged):>8.0f}ms"
            f"{statistics.median(q for _, q in logged):>5.0f}"
            if logged
            else ""
        )
        print(
            f"  {name:<18}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}"
            f"{row['50%']:>6}ms{row['95%']:>6}ms{row['99%']:>6}ms"
            f"{float(row['Max Response Time']):>6.0f}ms   {server}"
        )
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items())))
    for failure in result.failures:
        print(f"  FAILURE {failure['Name']}: {failure['Error']} x{failure['Occurrences']}")
    print(
        f"  gunicorn workers (RSS / USS MiB: start -> end, max; {result.restarts} recycled "
        "by max_requests during the run):"
    )
    for pid, points in sorted(result.samples.workers.items()):
        rss = [p[1] for p in points]
        uss = [p[2] for p in points]
        print(
            f"    pid {pid}: RSS {mib(rss[0])} -> {mib(rss[-1])}, max {mib(max(rss))};  "
            f"USS {mib(uss[0])} -> {mib(uss[-1])}, max {mib(max(uss))}  "
            f"({points[0][0]:.0f}-{points[-1][0]:.0f} s)"
        )
    for pid, points in sorted(result.samples.backends.items()):
        uss = [p[2] for p in points]
        print(
            f"    postgres backend {pid}: private memory {mib(uss[0])} -> {mib(uss[-1])}, "
            f"max {mib(max(uss))}"
        )
    groups: dict[str, float] = {}
    for key, seconds in result.samples.cpu.items():
        group = key.split(":")[0]
        groups[group] = groups.get(group, 0.0) + seconds
    cpu = ", ".join(f"{g} {s:.0f} s" for g, s in sorted(groups.items()))
    per_request = groups.get("gunicorn", 0.0) / requests * 1000 if requests else 0
    pg_per_request = groups.get("postgres", 0.0) / requests * 1000 if requests else 0
    if result.database and requests:
        d = result.database
        print(
            f"  PostgreSQL per request: WAL {d['wal_bytes'] / requests / 1024:.1f} KiB "
            f"({d['wal_fpi'] / requests:.2f} full-page images), "
            f"{d['blks_read'] / requests:.1f} blocks read from the OS, "
            f"{d['blks_hit'] / requests:.0f} found in shared buffers, "
            f"{d['commits'] / requests:.2f} commits"
        )
    print(
        f"  CPU time over the run: {cpu} (of {2 * duration} core-seconds); "
        f"per request: gunicorn {per_request:.1f} ms, postgres {pg_per_request:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spas", type=int, default=1000, help="the many-spa scenario's count")
    parser.add_argument("--scenarios", default="", help="spa counts to run (default: 1,SPAS)")
    parser.add_argument("--users", type=int, default=8, help="locust users (closed loop)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--duration", type=int, default=90, help="measured seconds per scenario")
    parser.add_argument("--warmup", type=int, default=15, help="unmeasured seconds before")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="run the scenarios this many times, interleaved (1, 1000, 1, 1000: other work "
        "on the machine then weighs on both alike)",
    )
    parser.add_argument(
        "--affinity",
        action="store_true",
        help="serve many spas from WORKERS single-worker gunicorns, each spa always from one",
    )
    args = parser.parse_args()
    counts = [int(c) for c in args.scenarios.split(",")] if args.scenarios else [1, args.spas]
    setup()
    from django.db import connection
    from django.utils import timezone

    work = Path(tempfile.mkdtemp(prefix="medspa-load-"))
    data = work / "spas.json"
    today = timezone.localdate()
    prepare(max(counts), data)
    connection.close()
    print(
        f"gunicorn: platform/gunicorn.conf.py, config.settings.prod, {args.workers} workers"
        f"{' (many spas: one gunicorn of 1 worker each, spas by id)' if args.affinity else ''}; "
        f"locust: 1 process, {args.users} users, no wait; {args.warmup} s warm-up, then "
        f"{args.duration} s measured; output in {work}"
    )
    results: list[Result] = []
    for round_ in range(1, args.rounds + 1):
        for count in counts:
            if results:
                prepare(max(counts), data)  # the calendars as they were, fresh tokens
                connection.close()
            result = scenario(args, count, data, work / f"round-{round_}", today)
            print(f"\n-- round {round_}", end="")
            print_result(result, args.duration)
            results.append(result)
    if len(counts) == 2:
        compare(results, counts)


def _cpu_ms_per_request(result: Result) -> tuple[float, float]:
    requests = int(result.stats["Aggregated"]["Request Count"]) or 1
    gunicorn = sum(v for k, v in result.samples.cpu.items() if k.startswith("gunicorn:"))
    postgres = sum(v for k, v in result.samples.cpu.items() if k.startswith("postgres:"))
    return gunicorn / requests * 1000, postgres / requests * 1000


def compare(results: list[Result], counts: list[int]) -> None:
    """Many spas against one: throughput and server CPU per request per round and
    over all rounds, and each operation's median and p95 (mean over rounds)."""
    one, many = counts
    print(f"\n== {many} spas against {one} (the target: throughput within 15 %)")
    pairs = [
        (a, b)
        for a, b in zip(results[0::2], results[1::2], strict=False)
        if a.spas == one and b.spas == many
    ]
    for i, (a, b) in enumerate(pairs, 1):
        rate_a = float(a.stats["Aggregated"]["Requests/s"])
        rate_b = float(b.stats["Aggregated"]["Requests/s"])
        cpu_a, cpu_b = sum(_cpu_ms_per_request(a)), sum(_cpu_ms_per_request(b))
        print(
            f"  round {i}: {rate_b:.1f} / {rate_a:.1f} req/s = {rate_b / rate_a:.2f};  "
            f"server CPU per request (gunicorn + postgres) {cpu_b:.1f} / {cpu_a:.1f} ms "
            f"= {cpu_b / cpu_a:.2f}"
        )
    total = {
        count: sum(int(r.stats["Aggregated"]["Request Count"]) for r in results if r.spas == count)
        for count in counts
    }
    seconds = {
        count: sum(
            int(r.stats["Aggregated"]["Request Count"]) / float(r.stats["Aggregated"]["Requests/s"])
            for r in results
            if r.spas == count
        )
        for count in counts
    }
    rate = {count: total[count] / seconds[count] for count in counts}
    print(f"  all rounds: {rate[many]:.1f} / {rate[one]:.1f} req/s = {rate[many] / rate[one]:.2f}")
    print(f"  {'operation':<18}{'p50 ratio':>10}{'p95 ratio':>10}")
    for name in (*OPERATIONS, "Aggregated"):
        ratios50, ratios95 = [], []
        for a, b in pairs:
            x, y = a.stats.get(name), b.stats.get(name)
            if x and y and float(x["50%"]) and float(x["95%"]):
                ratios50.append(float(y["50%"]) / float(x["50%"]))
                ratios95.append(float(y["95%"]) / float(x["95%"]))
        if ratios50:
            print(
                f"  {name:<18}{statistics.mean(ratios50):>9.2f}x{statistics.mean(ratios95):>9.2f}x"
            )


if __name__ == "__main__":
    main()
