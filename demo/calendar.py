"""The calendar of a demo spa: locations with their rooms and devices, the
service menu, the providers' credentials, weeks and time off, and two weeks of
appointments around today (`demo/calendar_data.py` says what they are,
`demo/appointments.py` books them).

Everything goes through the services, so every rule the product keeps holds
for the demo too.

Re-runs add only what is missing. Reference rows are matched by name and a
provider's hours, credentials and time off are left as they are once set; a
location's day in the window that already has an appointment is left alone, so
a second run on the same day books nothing and a run a week later books the
new days. Random generators seeded per provider, and per location and day,
keep the data the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from demo.appointments import (
    DAYS_AHEAD,
    DAYS_BACK,
    seed_appointments,
)
from demo.calendar_data import (
    CALENDARS,
    MENU,
    RESOURCE_TYPES,
    DemoCalendar,
    DemoLocation,
    DemoProvider,
    Hours,
)
from shared_apps.accounts.models import User
from tenant_apps.catalog.models import Service, ServiceCategory
from tenant_apps.catalog.services import service_category_create, service_create
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location, ResourceType
from tenant_apps.locations.services.locations import location_create, location_hours_set
from tenant_apps.locations.services.resources import resource_create, resource_type_create
from tenant_apps.locations.weekly import WeeklyInterval
from tenant_apps.staff.models import Credential, StaffProfile, TimeOff, TimeOffKind
from tenant_apps.staff.services import (
    credential_set,
    staff_profile_ensure,
    time_off_add,
    working_hours_set,
)
from tenants.db import connection


@dataclass
class Seeded:
    """What a run created."""

    locations: int = 0
    resources: int = 0
    services: int = 0
    providers: int = 0
    appointments: int = 0
    refused: int = 0  # bookings the service refused (see Booked)


def seed_calendar(*, slug: str, now: dt.datetime | None = None) -> Seeded:
    """The demo calendar of the spa the connection is on (one of CALENDARS;
    another spa gets nothing). Its providers must already be members of the spa.
    Runs in one transaction: a failed run leaves nothing half-seeded."""
    calendar = CALENDARS.get(slug)
    seeded = Seeded()
    if calendar is None:
        return seeded
    now = now or timezone.now()
    zone = ZoneInfo(connection.tenant.timezone)
    today = now.astimezone(zone).date()
    with transaction.atomic():
        locations = _locations(calendar, zone.key, seeded)
        _resources(calendar, locations, _resource_types(), seeded)
        services = _menu(seeded)
        _team(calendar, locations, zone, today, seeded)
        clients = list(
            Client.objects.filter(archived_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        for location in locations.values() if clients else ():
            booked = seed_appointments(
                slug=slug,
                location=location,
                services=services,
                clients=clients,
                today=today,
                now=now,
            )
            seeded.appointments += booked.made
            seeded.refused += booked.refused
    return seeded


# --- Reference data: locations, rooms and devices, the menu ----------------------------------


def _intervals(hours: Hours) -> list[WeeklyInterval]:
    return [
        WeeklyInterval(day, dt.time.fromisoformat(start), dt.time.fromisoformat(end))
        for day, start, end in hours
    ]


def _locations(calendar: DemoCalendar, zone: str, seeded: Seeded) -> dict[str, Location]:
    found: dict[str, Location] = {}
    for spec in calendar.locations:
        location = Location.objects.filter(name__iexact=spec.name).first()
        if location is None:
            location = _location_create(spec, zone)
            seeded.locations += 1
        found[spec.name] = location
    return found


def _location_create(spec: DemoLocation, zone: str) -> Location:
    location = location_create(
        name=spec.name,
        timezone=zone,
        address_line1=spec.address_line1,
        city=spec.city,
        region=spec.region,
        postal_code=spec.postal_code,
        phone=spec.phone,
    )
    return location_hours_set(location_id=location.pk, hours=_intervals(spec.hours))


def _resource_types() -> dict[str, ResourceType]:
    existing = {rt.name.lower(): rt for rt in ResourceType.objects.all()}
    for name, kind in RESOURCE_TYPES:
        if name.lower() not in existing:
            existing[name.lower()] = resource_type_create(name=name, kind=kind)
    return {name: existing[name.lower()] for name, _ in RESOURCE_TYPES}


def _resources(
    calendar: DemoCalendar,
    locations: dict[str, Location],
    types: dict[str, ResourceType],
    seeded: Seeded,
) -> None:
    for spec in calendar.locations:
        location = locations[spec.name]
        names = {name.lower() for name in location.resources.values_list("name", flat=True)}
        for name, type_name in spec.resources:
            if name.lower() not in names:
                resource_create(
                    location_id=location.pk, resource_type_id=types[type_name].pk, name=name
                )
                seeded.resources += 1


def _menu(seeded: Seeded) -> list[Service]:
    """The demo menu's services (created where missing), with the resource types they need."""
    type_ids = dict(ResourceType.objects.values_list("name", "pk"))
    categories = {c.name.lower(): c for c in ServiceCategory.objects.all()}
    existing = {
        (s.category_id, s.name.lower()): s for s in Service.objects.select_related("category")
    }
    for order, (category_name, description, services) in enumerate(MENU):
        category = categories.get(category_name.lower())
        if category is None:
            category = service_category_create(
                name=category_name, description=description, display_order=order
            )
        for position, spec in enumerate(services):
            if (category.pk, spec.name.lower()) in existing:
                continue
            service_create(
                category_id=category.pk,
                name=spec.name,
                description=spec.description,
                duration_minutes=spec.minutes,
                price_cents=spec.price_cents,
                buffer_before_minutes=spec.before,
                buffer_after_minutes=spec.after,
                required_credentials=spec.credentials,
                required_resource_type_ids=[type_ids[name] for name in spec.needs],
                is_bookable_online=spec.online,
                display_order=position,
            )
            seeded.services += 1
    return list(
        Service.objects.filter(is_active=True)
        .prefetch_related("required_resource_types")
        .order_by("pk")
    )


# --- The team: profiles, credentials, weeks, time off ----------------------------------------


def _team(
    calendar: DemoCalendar,
    locations: dict[str, Location],
    zone: ZoneInfo,
    today: dt.date,
    seeded: Seeded,
) -> None:
    user_ids = dict(
        User.objects.filter(email__in=[p.email for p in calendar.providers]).values_list(
            "email", "pk"
        )
    )
    for spec in calendar.providers:
        rng = random.Random(spec.email)  # noqa: S311 (made-up data, the same on every run)
        user_id = user_ids.get(spec.email)
        if user_id is None:
            raise LookupError(f"{spec.email} has no account: the demo command makes it first.")
        if not StaffProfile.objects.filter(user_id=user_id).exists():
            seeded.providers += 1
        profile = staff_profile_ensure(
            user_id=user_id, display_name=spec.display_name, is_provider=True
        )
        held = dict(Credential.objects.filter(staff=profile).values_list("kind", "expires_on"))
        for kind in spec.credentials:
            if held.get(kind, dt.date.min) < today:
                credential_set(
                    staff_id=profile.pk,
                    kind=kind,
                    licence_number=f"{kind[:2]}-{rng.randint(100000, 999999)}",
                    issuing_region=calendar.licence_region,
                    expires_on=today + dt.timedelta(days=365),
                )
        if not profile.working_hours.exists():
            for location_name, hours in spec.hours.items():
                working_hours_set(
                    staff_id=profile.pk,
                    location_id=locations[location_name].pk,
                    hours=_intervals(hours),
                )
        if not TimeOff.objects.filter(staff=profile).exists():
            _time_off(profile, spec, calendar, zone, today, rng)


def _time_off(
    profile: StaffProfile,
    spec: DemoProvider,
    calendar: DemoCalendar,
    zone: ZoneInfo,
    today: dt.date,
    rng: random.Random,
) -> None:
    """One block in the window: a day away (when someone else covers the
    location that day), or a couple of hours blocked."""
    shifts = [
        (today + dt.timedelta(days=offset), location, start, end)
        for offset in range(-DAYS_BACK + 1, DAYS_AHEAD + 1)
        for location, hours in spec.hours.items()
        for weekday, start, end in hours
        if (today + dt.timedelta(days=offset)).isoweekday() == weekday
    ]
    day, location, start, end = rng.choice(shifts)
    starts_at = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=zone)
    covered = any(
        other is not spec
        and any(weekday == day.isoweekday() for weekday, _, _ in other.hours.get(location, ()))
        for other in calendar.providers
    )
    if covered and rng.random() < 0.5:
        time_off_add(
            staff_id=profile.pk,
            starts_at=starts_at,
            ends_at=dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=zone),
            kind=TimeOffKind.TIME_OFF,
            reason=rng.choice(("Vacation", "Conference", "Personal day")),
        )
    else:
        starts_at += dt.timedelta(hours=2)
        time_off_add(
            staff_id=profile.pk,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=2),
            kind=TimeOffKind.BLOCKED,
            reason=rng.choice(("Training", "Team meeting", "Charting")),
        )
