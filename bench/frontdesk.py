"""The front desk's two busiest reads through the real GraphQL view (routing,
token, GraphQL, SQL, the PHI audit insert, JSON):

- a day schedule of 100 appointments with client, provider, services and rooms;
- an availability search: 10 providers, one week, three services back to back
  (and one service alone), on a calendar already holding those appointments.

    .venv/bin/python bench/frontdesk.py [--requests 200] [--show-sql] [--profile [SORT]]

Prints median and p95 per request and the SQL statements each runs. The data
is bench/_frontdesk.py's (shared with bench/hotpath.py, which breaks the day
schedule down phase by phase).
Target (issue 5): both under 50 ms median on the development machine.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import time

from _django import setup, summary
from _frontdesk import AVAILABILITY, DAY, DAY_SCHEDULE, PROVIDERS, frontdesk, post_graphql


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--show-sql", action="store_true", help="print each request's SQL")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="cumulative",
        metavar="SORT",
        help="print where the time goes (cProfile, top 30; SORT: cumulative, tottime, ...)",
    )
    args = parser.parse_args()
    setup()

    from django.db import connection as db
    from django.test.utils import CaptureQueriesContext

    desk = frontdesk()
    api = desk.client()

    def measure(name: str, run) -> dict:
        for _ in range(10):  # warm: routing cache, token, parsed documents
            run()
        with CaptureQueriesContext(db) as queries:
            result = run()
        statements = len(queries)
        if args.show_sql:
            for query in queries.captured_queries:
                print(f"    {query['sql'][:110]}")
        seconds = []
        for _ in range(args.requests):
            started = time.perf_counter()
            run()
            seconds.append(time.perf_counter() - started)
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [run() for _ in range(20)])
            pstats.Stats(profiler).sort_stats(args.profile).print_stats(30)
        print(f"{name:<44} {summary(seconds)}   SQL per request: {statements}")
        return result

    print(
        f"spa 'frontdesk': {PROVIDERS} providers, {desk.on_the_day} appointments on {DAY}, "
        f"{desk.week_count} in its week; {args.requests} requests each\n"
    )
    schedule = measure(
        "day schedule (100 appointments, nested)",
        lambda: post_graphql(api, DAY_SCHEDULE, desk.day_schedule_variables()),
    )
    assert len(schedule["data"]["daySchedule"]["edges"]) == 100, "expected 100 appointments"
    monday = DAY - dt.timedelta(days=DAY.weekday())
    week = {"from": monday.isoformat(), "to": (monday + dt.timedelta(days=6)).isoformat()}
    for label, services in (
        ("3 services in sequence", desk.three_services),
        ("1 service", desk.one_service),
    ):
        found = measure(
            f"availability, 1 week, {label}",
            lambda services=services: post_graphql(
                api, AVAILABILITY, {"location": desk.location_id, "services": services, **week}
            ),
        )
        print(f"{'':<44} {len(found['data']['availability'])} slots returned (first: 100)")


if __name__ == "__main__":
    main()
