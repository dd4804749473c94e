"""Where a day-schedule request's time goes, and how far it is from the floor.

    .venv/bin/python bench/hotpath.py [--requests 300] [--profile [PATH]]

The request is bench/frontdesk.py's day schedule (100 appointments with client,
provider, services and rooms; the data is bench/_frontdesk.py's), through
Django's whole stack in the test client, as the owner, on a warm process.

1. End to end, uninstrumented: the GraphQL request and the floor, alternating
   request by request (so the machine's noise falls on both alike), median and
   p95 of the test client's call (the answer is not decoded), and the ratio
   GraphQL / floor of the medians.

   The floor is the same data read with plain SQL (the location's timezone,
   then the appointments joined to their client and provider, their services,
   their rooms: 4 statements) and dumped with the standard library's `json`
   (compact separators, as the GraphQL view encodes) in exactly the response's
   shape, global IDs and cursor included: a plain Django view registered only
   here, at /bench/floor/day-schedule/ on the spa's host, behind the same
   routing and bearer-token middleware. The bench checks that its body equals
   the GraphQL response's. "floor + audit" adds the PHI read log's insert
   (`audit_record`), which the GraphQL request also writes.

2. The per-request breakdown, instrumented (a few microseconds per phase):
   time in each phase excluding the phases nested in it, median ms over the
   requests, and the SQL (time inside cursor.execute, via
   connection.execute_wrapper: server time and transfer; turning rows into
   Python values happens later, in the phase that iterates them):

   - routing: SpaRoutingMiddleware.process_request;
   - auth: token_authenticate (the bearer token's lookup);
   - parse + validate: the view's document cache; "cold" empties it before
     every request;
   - root resolver: the daySchedule resolver (the location, the page, its
     prefetches: SQL rows into model instances);
   - field resolution: the rest of graphql-core's execution (about 2,100
     fields: resolvers, scalars, enums, global IDs, the PHI read collection);
   - audit flush: the view's after-execution step (the PHI log's insert);
   - serialisation: the view's json_encode;
   - view, other: the rest of the GraphQL view (body, parameters, response);
   - Django + test client: the rest (the middleware chain, request and
     response objects, the test client's own work).

3. --profile: a pyinstrument profile of the GraphQL request (cProfile when
   pyinstrument is not installed), printed, and written as HTML to PATH if given.

Once warm, the process does what config/wsgi.py does in production after
loading (config/warmup.py: gc.freeze); --no-freeze leaves the collector as is.
The CPU column is this process's CPU time (time.thread_time): unlike the wall
time it leaves out SQL waits and most of the noise of a shared machine.

The machine is shared: run it a few times and compare medians.
"""

from __future__ import annotations

import argparse
import base64
import gc
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from _django import setup
from _frontdesk import DAY, DAY_SCHEDULE, frontdesk, post_graphql

FLOOR_PATH = "/bench/floor/day-schedule/"


# --- the floor -------------------------------------------------------------


def floor_view(request: Any) -> Any:
    """The day schedule with plain SQL and json: the same body as the GraphQL answer."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.db import connection
    from django.http import HttpResponse

    from core.graphql.relay import pk_from_global_id, to_global_id
    from tenant_apps.audit.models import AuditAction
    from tenant_apps.audit.services import Actor, audit_record
    from tenant_apps.scheduling.models import AppointmentSource, AppointmentStatus

    day = dt.date.fromisoformat(request.GET["date"])
    location_pk = pk_from_global_id(request.GET["location"], "Location")
    statuses = {choice.value: choice.name for choice in AppointmentStatus}
    sources = {choice.value: choice.name for choice in AppointmentSource}
    with connection.cursor() as cursor:
        cursor.execute("SELECT timezone FROM scheduling_location WHERE id = %s", [location_pk])
        zone = ZoneInfo(cursor.fetchone()[0])
        start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        cursor.execute(
            """SELECT a.id, a.starts_at, a.ends_at, a.status, a.source,
                      c.id, c.preferred_name, c.first_name, c.last_name, c.phone,
                      p.id, p.display_name
               FROM scheduling_appointment a
               JOIN clients_client c ON c.id = a.client_id
               JOIN staff_staffprofile p ON p.id = a.provider_id
               WHERE a.location_id = %s AND a.starts_at >= %s AND a.starts_at < %s
               ORDER BY a.starts_at, a.id LIMIT 101""",
            [location_pk, start, end],
        )
        rows = cursor.fetchall()
        more, rows = len(rows) > 100, rows[:100]
        ids = [row[0] for row in rows]
        cursor.execute(
            """SELECT l.appointment_id, l.starts_at, l.ends_at, s.id, s.name
               FROM scheduling_appointmentservice l
               JOIN catalog_service s ON s.id = l.service_id
               WHERE l.appointment_id = ANY(%s) ORDER BY l.appointment_id, l.position""",
            [ids],
        )
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for appointment_id, starts_at, ends_at, service_id, name in cursor.fetchall():
            lines[appointment_id].append(
                {
                    "startsAt": starts_at.isoformat(),
                    "endsAt": ends_at.isoformat(),
                    "service": {"id": to_global_id("Service", service_id), "name": name},
                }
            )
        cursor.execute(
            """SELECT b.appointment_id, r.id, r.name
               FROM scheduling_resourcebooking b
               JOIN scheduling_resource r ON r.id = b.resource_id
               WHERE b.appointment_id = ANY(%s) ORDER BY b.appointment_id, b.resource_id""",
            [ids],
        )
        rooms: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for appointment_id, resource_id, name in cursor.fetchall():
            rooms[appointment_id].append(
                {"id": to_global_id("Resource", resource_id), "name": name}
            )
    edges = [
        {
            "node": {
                "id": to_global_id("Appointment", pk),
                "startsAt": starts_at.isoformat(),
                "endsAt": ends_at.isoformat(),
                "status": statuses[status],
                "source": sources[source],
                "client": {
                    "id": to_global_id("Client", client_id),
                    "displayName": " ".join(filter(None, [preferred or first, last])),
                    "phone": phone,
                },
                "provider": {"id": to_global_id("StaffMember", provider_id), "displayName": shown},
                "services": lines[pk],
                "resources": rooms[pk],
            }
        }
        for (
            pk,
            starts_at,
            ends_at,
            status,
            source,
            client_id,
            preferred,
            first,
            last,
            phone,
            provider_id,
            shown,
        ) in rows
    ]
    end_cursor = None
    if rows:
        keys = ["appointments-by-start", [rows[-1][1].isoformat(), rows[-1][0]]]
        raw = json.dumps(keys, separators=(",", ":")).encode()
        end_cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    if request.GET.get("audit"):
        audit_record(
            actor=Actor.of_request(request),
            action=AuditAction.LIST,
            client_ids=[row[5] for row in rows],
        )
    body = {
        "data": {
            "daySchedule": {
                "edges": edges,
                "pageInfo": {"hasNextPage": more, "endCursor": end_cursor},
            }
        }
    }
    return HttpResponse(_encode(body), content_type="application/json")


def _encode(body: dict[str, Any]) -> str:
    return json.dumps(body, separators=(",", ":"))


def register_floor() -> None:
    """Serve the floor on spa hosts, in this process only."""
    from django.urls import clear_url_caches, path

    import config.urls_tenant

    def floor(request: Any) -> Any:
        return floor_view(request)  # looked up per call, so the breakdown can time it

    config.urls_tenant.urlpatterns.append(path(FLOOR_PATH.lstrip("/"), floor))
    clear_url_caches()


# --- the breakdown -----------------------------------------------------------


class Phases:
    """Exclusive time per phase (a phase's time less the phases nested in it), SQL apart."""

    def __init__(self) -> None:
        self.stack: list[list[Any]] = []
        self.times: dict[str, float] = defaultdict(float)
        self.statements = 0

    def reset(self) -> None:
        self.times = defaultdict(float)
        self.statements = 0

    def enter(self, name: str) -> None:
        self.stack.append([name, time.perf_counter(), 0.0])

    def leave(self) -> None:
        name, started, nested = self.stack.pop()
        elapsed = time.perf_counter() - started
        self.times[name] += elapsed - nested
        if self.stack:
            self.stack[-1][2] += elapsed

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            self.enter(name)
            try:
                return fn(*args, **kwargs)
            finally:
                self.leave()

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed

    def sql(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any):
        self.statements += 1
        self.enter("SQL")
        try:
            return execute(sql, params, many, context)
        finally:
            self.leave()


def instrument(phases: Phases) -> Callable[[], None]:
    """Time the request's phases; returns the undo."""
    import core.graphql.view as view_module
    import shared_apps.accounts.middleware as auth_module
    import tenant_apps.scheduling.graphql.queries as calendar_module
    from core.graphql.view import PlatformGraphQLView
    from tenants.middleware import SpaRoutingMiddleware

    patches: list[tuple[Any, str, Any]] = [
        (SpaRoutingMiddleware, "process_request", "routing"),
        (auth_module, "token_authenticate", "auth"),
        (PlatformGraphQLView, "dispatch", "view, other"),
        (PlatformGraphQLView, "json_encode", "serialisation"),
        (view_module, "execute_sync", "field resolution"),
        (calendar_module, "_schedule", "root resolver"),
        (sys.modules[__name__], "_encode", "serialisation"),
        (sys.modules[__name__], "floor_view", "floor view"),
    ]
    originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in patches]
    for owner, name, label in patches:
        setattr(owner, name, phases.wrap(label, owner.__dict__[name]))

    original_init = PlatformGraphQLView.__init__

    def init(self: Any, **kwargs: Any) -> None:
        original_init(self, **kwargs)
        self._documents = phases.wrap("parse + validate", self._documents)
        self.after_execution = tuple(phases.wrap("audit flush", f) for f in self.after_execution)

    PlatformGraphQLView.__init__ = init  # type: ignore[method-assign]
    originals.append((PlatformGraphQLView, "__init__", original_init))

    def undo() -> None:
        for owner, name, original in originals:
            setattr(owner, name, original)

    return undo


def clear_documents() -> None:
    from core.graphql.view import _DOCUMENT_CACHES

    for cache in _DOCUMENT_CACHES.values():
        cache.cache_clear()  # type: ignore[attr-defined]


GRAPHQL_ROWS = [
    "routing",
    "auth",
    "parse + validate",
    "root resolver",
    "field resolution",
    "audit flush",
    "serialisation",
    "view, other",
    "Django + test client",
]
FLOOR_ROWS = ["routing", "auth", "floor view", "serialisation", "Django + test client"]


def breakdown(
    phases: Phases, run: Callable[[], Any], n: int, *, before: Callable[[], None] | None = None
) -> tuple[dict[str, list[float]], list[float], int]:
    from django.db import connection

    samples: dict[str, list[float]] = defaultdict(list)
    totals = []
    statements = []
    for _ in range(n):
        if before is not None:
            before()
        phases.reset()
        with connection.execute_wrapper(phases.sql):
            phases.enter("Django + test client")
            started = time.perf_counter()
            run()
            totals.append(time.perf_counter() - started)
            phases.leave()
        statements.append(phases.statements)
        for name, seconds in phases.times.items():
            samples[name].append(seconds)
    # The usual count (now and then the token's last use is written, or the
    # routing directory checks its version).
    return samples, totals, statistics.mode(statements)


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else 0.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] * 1000


def print_breakdown(columns: list[tuple[str, dict[str, list[float]], list[float], int]]) -> None:
    rows = list(dict.fromkeys([*GRAPHQL_ROWS, *FLOOR_ROWS, "SQL"]))
    print(
        "| phase (median ms, excluding nested phases) | " + " | ".join(c[0] for c in columns) + " |"
    )
    print("| --- |" + " ---: |" * len(columns))
    for row in rows:
        cells = []
        present = False
        for _, samples, _, _ in columns:
            if row in samples:
                present = True
                cells.append(f"{ms(samples[row]):.2f}")
            else:
                cells.append("")
        if present:
            print(f"| {row} | " + " | ".join(cells) + " |")
    print(
        "| sum of the medians | "
        + " | ".join(f"{sum(ms(v) for v in c[1].values()):.2f}" for c in columns)
        + " |"
    )
    print("| median of the totals | " + " | ".join(f"{ms(c[2]):.2f}" for c in columns) + " |")
    print("| SQL statements | " + " | ".join(str(c[3]) for c in columns) + " |")


def profile(run: Callable[[], Any], n: int, path: str | None) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        fallback = cProfile.Profile()
        fallback.runcall(lambda: [run() for _ in range(n)])
        pstats.Stats(fallback).sort_stats("tottime").print_stats(40)
        return
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(n):
        run()
    profiler.stop()
    from pyinstrument.renderers import ConsoleRenderer

    print(profiler.output_text(unicode=True, color=False, show_all=False))
    flat = ConsoleRenderer(unicode=True, flat=True, time="percent_of_total")
    print("Self time by function (share of the profiled requests), top 40:")
    print("\n".join(profiler.output(flat).splitlines()[:48]))
    if path:
        with open(path, "w") as html:
            html.write(profiler.output_html())
        print(f"profile written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--profile", nargs="?", const="", metavar="PATH", help="profile the GraphQL request"
    )
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="skip what config/wsgi.py does once loaded (gc.freeze), to measure without it",
    )
    args = parser.parse_args()
    setup()
    register_floor()
    desk = frontdesk()
    api = desk.client()
    variables = desk.day_schedule_variables()

    body = json.dumps({"query": DAY_SCHEDULE, "variables": variables})

    def graphql() -> bytes:
        # The answer is not decoded here: neither is the floor's (the check below does both).
        response = api.post("/graphql/", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        return response.content

    def floor(audit: bool = False) -> bytes:
        query = {"date": DAY.isoformat(), "location": desk.location_id}
        response = api.get(FLOOR_PATH, {**query, **({"audit": "1"} if audit else {})})
        assert response.status_code == 200, response.content[:300]
        return response.content

    answer = post_graphql(api, DAY_SCHEDULE, variables)
    assert len(answer["data"]["daySchedule"]["edges"]) == 100, "expected 100 appointments"
    assert json.loads(floor()) == answer, "the floor must answer exactly what GraphQL answers"
    for _ in range(20):  # warm: routing cache, token, parsed document, connection
        graphql(), floor(), floor(audit=True)
    if not args.no_freeze:
        try:
            from config.warmup import load_and_freeze
        except ImportError:  # a tree from before config/warmup.py: as production was then
            pass
        else:
            load_and_freeze()  # as config/wsgi.py does

    print(
        f"day schedule of {desk.on_the_day} appointments on {DAY}; {args.requests} requests each; "
        f"gc thresholds {gc.get_threshold()}, frozen objects {gc.get_freeze_count()}\n"
    )

    # 1. End to end, uninstrumented, interleaved.
    runs: dict[str, list[float]] = defaultdict(list)
    cpu: dict[str, list[float]] = defaultdict(list)
    plan: list[tuple[str, Callable[[], Any]]] = [
        ("GraphQL daySchedule", graphql),
        ("floor: SQL + json", floor),
        ("floor + audit insert", lambda: floor(audit=True)),
    ]
    for n in range(args.requests):
        for name, run in plan[n % 3 :] + plan[: n % 3]:  # each goes first in turn
            started, started_cpu = time.perf_counter(), time.thread_time()
            run()
            runs[name].append(time.perf_counter() - started)
            cpu[name].append(time.thread_time() - started_cpu)
    print("| request (Django test client, whole stack) | median ms | p95 ms | median CPU ms |")
    print("| --- | ---: | ---: | ---: |")
    for name, seconds in runs.items():
        print(f"| {name} | {ms(seconds):.1f} | {p95(seconds):.1f} | {ms(cpu[name]):.1f} |")
    gql, bare, audited = (ms(runs[name]) for name, _ in plan)
    gql_cpu, bare_cpu = ms(cpu[plan[0][0]]), ms(cpu[plan[1][0]])
    print(
        f"\nratio GraphQL / floor: {gql / bare:.2f}x; "
        f"GraphQL / (floor + audit insert): {gql / audited:.2f}x (target: within 4x); "
        f"in this process's CPU time (no SQL waits): {gql_cpu / bare_cpu:.2f}x\n"
    )

    # 2. The breakdown.
    phases = Phases()
    undo = instrument(phases)
    try:
        warm = breakdown(phases, graphql, args.requests)
        cold = breakdown(phases, graphql, max(args.requests // 3, 20), before=clear_documents)
        floor_samples = breakdown(phases, floor, args.requests)
    finally:
        undo()
    print_breakdown(
        [
            ("GraphQL, document cached", *warm),
            ("GraphQL, cold (parse + validate each time)", *cold),
            ("floor (SQL + json)", *floor_samples),
        ]
    )
    print(
        f"\nparse + validate: cold {ms(cold[0]['parse + validate']):.2f} ms, "
        f"cached {ms(warm[0]['parse + validate']) * 1000:.1f} us"
    )

    if args.profile is not None:
        print()
        profile(graphql, 100, args.profile or None)


if __name__ == "__main__":
    main()
