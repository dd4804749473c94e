"""The front desk's two busiest reads through the real GraphQL view (routing,
token, GraphQL, SQL, the PHI audit insert, JSON):

- a day schedule of 100 appointments with client, provider, services and rooms;
- an availability search: 10 providers, one week, three services back to back
  (and one service alone), on a calendar already holding those appointments.

    .venv/bin/python bench/frontdesk.py [--requests 200] [--show-sql] [--profile [SORT]]

Prints median and p95 per request and the SQL statements each runs.
Target (issue 5): both under 50 ms median on the development machine.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import random
import time
from zoneinfo import ZoneInfo

from _django import setup, summary

PROVIDERS = 10
ROOMS = 12
ZONE = ZoneInfo("America/New_York")
# A Wednesday well ahead, so "never in the past" leaves the whole week searchable.
DAY = dt.date(2027, 6, 9)

DAY_SCHEDULE = """query($date: Date!, $location: ID!) {
  daySchedule(date: $date, locationId: $location, first: 100) {
    edges { node {
      id startsAt endsAt status source
      client { id displayName phone }
      provider { id displayName }
      services { startsAt endsAt service { id name } }
      resources { id name }
    } }
    pageInfo { hasNextPage endCursor }
  } }"""

AVAILABILITY = """query($location: ID!, $services: [ID!]!, $from: Date!, $to: Date!) {
  availability(locationId: $location, serviceIds: $services, from: $from, to: $to, first: 100) {
    startsAt endsAt provider { id displayName } resources { id name }
  } }"""


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

    from django.conf import settings
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from config.graphql.relay import to_global_id
    from shared_apps.accounts.models import Membership
    from shared_apps.accounts.services import token_issue
    from tenant_apps.audit.services import Actor
    from tenant_apps.catalog.models import Service, ServiceCategory
    from tenant_apps.clients.models import Client as Patient
    from tenant_apps.scheduling.appointments import appointment_book
    from tenant_apps.scheduling.models import (
        Appointment,
        Location,
        LocationHours,
        Resource,
        ResourceKind,
        ResourceType,
    )
    from tenant_apps.staff.models import Credential, StaffProfile, WorkingHours
    from tenants.models import Spa
    from tenants.services import spa_provision

    spa = Spa.objects.filter(slug="frontdesk").first() or spa_provision(
        slug="frontdesk",
        name="Front Desk Bench",
        timezone_name="America/New_York",
        owner_email="o@frontdesk-bench.example",
    )
    rng = random.Random(5)
    with tenant_context(spa):
        location = Location.objects.filter(name="Bench").first()
        if location is None:
            started = time.perf_counter()
            location = Location.objects.create(name="Bench", timezone="America/New_York")
            LocationHours.objects.bulk_create(
                LocationHours(
                    location=location,
                    weekday=weekday,
                    opens_at=dt.time(8),
                    closes_at=dt.time(20),
                )
                for weekday in range(1, 8)
            )
            room = ResourceType.objects.create(name="Treatment room", kind=ResourceKind.ROOM)
            laser = ResourceType.objects.create(name="Laser", kind=ResourceKind.DEVICE)
            for n in range(ROOMS):
                Resource.objects.create(location=location, resource_type=room, name=f"Room {n}")
            Resource.objects.create(location=location, resource_type=laser, name="CO2 laser")
            category = ServiceCategory.objects.create(name="Treatments")
            consult = Service.objects.create(
                category=category, name="Consultation", duration_minutes=15, price_cents=0
            )
            toxin = Service.objects.create(
                category=category,
                name="Neurotoxin",
                duration_minutes=30,
                buffer_after_minutes=10,
                price_cents=45000,
                required_credentials=["RN", "NP"],
            )
            toxin.required_resource_types.add(room)
            resurfacing = Service.objects.create(
                category=category,
                name="Laser resurfacing",
                duration_minutes=45,
                buffer_after_minutes=15,
                price_cents=90000,
                required_credentials=["NP"],
            )
            resurfacing.required_resource_types.add(room, laser)
            for n in range(PROVIDERS):
                profile = StaffProfile.objects.create(
                    user_id=9_000_000 + n, display_name=f"Provider {n}", is_provider=True
                )
                Credential.objects.create(
                    staff=profile,
                    kind="NP" if n % 2 else "RN",
                    licence_number=f"L-{n}",
                    issuing_region="NY",
                    expires_on=DAY + dt.timedelta(days=365),
                )
                WorkingHours.objects.bulk_create(
                    WorkingHours(
                        staff=profile,
                        location=location,
                        weekday=weekday,
                        starts_at=dt.time(8),
                        ends_at=dt.time(20),
                    )
                    for weekday in range(1, 8)
                )
            patients = Patient.objects.bulk_create(
                Patient(
                    first_name=f"Client{n}",
                    last_name="Bench",
                    email=f"client{n}@bench.example",
                    phone=f"+1212555{n:04}",
                )
                for n in range(400)
            )
            # Ten 30-minute neurotoxin visits a provider on the day (100 in all), and
            # as many on each other day of the week for the search to work around.
            actor = Actor.system("bench")
            days = [DAY - dt.timedelta(days=DAY.weekday()) + dt.timedelta(days=d) for d in range(7)]
            for day in days:
                for n, profile in enumerate(StaffProfile.objects.order_by("id")):
                    for k in range(10):
                        start = dt.datetime.combine(day, dt.time(8), tzinfo=ZONE) + dt.timedelta(
                            minutes=40 * k + 5 * n
                        )
                        appointment_book(
                            actor=actor,
                            client_id=rng.choice(patients).pk,
                            provider_id=profile.pk,
                            location_id=location.pk,
                            service_ids=[toxin.pk] if k % 3 else [consult.pk],
                            starts_at=start,
                        )
            with db.cursor() as cursor:
                cursor.execute("ANALYZE")
            print(f"seeded the calendar in {time.perf_counter() - started:.1f} s")
        day_start = dt.datetime.combine(DAY, dt.time(), tzinfo=ZONE)
        on_the_day = Appointment.objects.filter(
            location=location,
            starts_at__gte=day_start,
            starts_at__lt=day_start + dt.timedelta(days=1),
        ).count()
        week_count = Appointment.objects.filter(location=location).count()
        location_id = to_global_id("Location", location.pk)
        names = ["Consultation", "Neurotoxin", "Laser resurfacing"]
        by_name = {s.name: s.pk for s in Service.objects.filter(name__in=names)}
        three = [to_global_id("Service", by_name[name]) for name in names]
        one = [to_global_id("Service", by_name["Neurotoxin"])]

    owner = Membership.objects.get(spa=spa, role="owner")
    api = Client(
        HTTP_HOST=f"frontdesk.{settings.ROOT_DOMAIN}",
        HTTP_AUTHORIZATION=f"Bearer {token_issue(membership=owner).secret}",
    )

    def post(query: str, variables: dict) -> dict:
        body = json.dumps({"query": query, "variables": variables})
        response = api.post("/graphql/", body, content_type="application/json")
        data = json.loads(response.content)
        assert response.status_code == 200 and "errors" not in data, data
        return data

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
        f"spa 'frontdesk': {PROVIDERS} providers, {on_the_day} appointments on {DAY}, "
        f"{week_count} in its week; {args.requests} requests each\n"
    )
    schedule = measure(
        "day schedule (100 appointments, nested)",
        lambda: post(DAY_SCHEDULE, {"date": DAY.isoformat(), "location": location_id}),
    )
    assert len(schedule["data"]["daySchedule"]["edges"]) == 100, "expected 100 appointments"
    monday = DAY - dt.timedelta(days=DAY.weekday())
    week = {"from": monday.isoformat(), "to": (monday + dt.timedelta(days=6)).isoformat()}
    for label, services in (("3 services in sequence", three), ("1 service", one)):
        found = measure(
            f"availability, 1 week, {label}",
            lambda services=services: post(
                AVAILABILITY, {"location": location_id, "services": services, **week}
            ),
        )
        print(f"{'':<44} {len(found['data']['availability'])} slots returned (first: 100)")


if __name__ == "__main__":
    main()
