"""The front desk's calendar, shared by bench/frontdesk.py and bench/hotpath.py.

One New York location open 08:00-20:00, 10 providers, 12 treatment rooms and a
laser, 400 clients; 100 appointments on DAY (ten 15- or 30-minute visits per
provider) and as many on each other day of its week, booked through
`appointment_book`. Made once per cluster (a spa named "frontdesk"), then reused.
Call after `_django.setup()`.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

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


@dataclass
class FrontDesk:
    spa: Any
    host: str
    token: str  # the owner's bearer token
    location_pk: int
    location_id: str  # global ID
    on_the_day: int
    week_count: int
    three_services: list[str]  # global IDs: consultation, neurotoxin, laser resurfacing
    one_service: list[str]  # global ID: neurotoxin

    def client(self) -> Any:
        """A Django test client on the spa's host, signed in as its owner."""
        from django.test import Client

        return Client(HTTP_HOST=self.host, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def day_schedule_variables(self) -> dict[str, str]:
        return {"date": DAY.isoformat(), "location": self.location_id}


def post_graphql(api: Any, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """One GraphQL request; the decoded answer (asserting it has no errors)."""
    body = json.dumps({"query": query, "variables": variables})
    response = api.post("/graphql/", body, content_type="application/json")
    data = json.loads(response.content)
    assert response.status_code == 200 and "errors" not in data, data
    return data


def frontdesk() -> FrontDesk:
    """The "frontdesk" spa and its calendar, made on first use."""
    from django.conf import settings
    from django.db import connection as db
    from django_tenants.utils import tenant_context

    from core.graphql.relay import to_global_id
    from shared_apps.accounts.models import Membership
    from shared_apps.accounts.services.tokens import token_issue
    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.catalog.models import Service
    from tenant_apps.locations.models import Location
    from tenant_apps.scheduling.models import Appointment
    from tenants.models import Spa

    spa = Spa.objects.filter(slug="frontdesk").first() or spa_provision(
        slug="frontdesk",
        name="Front Desk Bench",
        timezone_name="America/New_York",
        owner_email="o@frontdesk-bench.example",
    )
    with tenant_context(spa):
        location = Location.objects.filter(name="Bench").first()
        if location is None:
            started = time.perf_counter()
            location = _seed()
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
    return FrontDesk(
        spa=spa,
        host=f"frontdesk.{settings.ROOT_DOMAIN}",
        token=token_issue(membership=owner).secret,
        location_pk=location.pk,
        location_id=location_id,
        on_the_day=on_the_day,
        week_count=week_count,
        three_services=three,
        one_service=one,
    )


def _seed() -> Any:
    from tenant_apps.audit.services import Actor
    from tenant_apps.catalog.models import Service, ServiceCategory
    from tenant_apps.clients.models import Client as Patient
    from tenant_apps.locations.models import (
        Location,
        LocationHours,
        Resource,
        ResourceKind,
        ResourceType,
    )
    from tenant_apps.scheduling.services.booking import appointment_book
    from tenant_apps.staff.models import Credential, StaffProfile, WorkingHours

    rng = random.Random(5)
    location = Location.objects.create(name="Bench", timezone="America/New_York")
    LocationHours.objects.bulk_create(
        LocationHours(
            location=location, weekday=weekday, opens_at=dt.time(8), closes_at=dt.time(20)
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
    return location
