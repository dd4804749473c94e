"""Demo-sized spa data, loaded in bulk: what bench/scale.py puts in each of its
1,000 spas and bench/load.py drives.

One spa: one location (Mon 10-18, Tue-Sat 9-19) with 4 treatment rooms, a laser
suite and 3 devices; a menu of 20 services in 5 categories (the demo's 13 and 7
more); 5 providers (MD, NP, PA, RN, aesthetician, with the demo's Radiance
weeks), a front-desk person, 500 clients, and the 7 days before today to the 7
days after booked to about 60-75 % of the providers' working time (past visits
mostly completed, some no-shows and cancellations; future ones booked or
confirmed), with their services, held rooms and devices and their history.

The calendar is planned here, in Python, by a greedy walk through each
provider's shifts that keeps the rules the database holds (a provider's blocked
spans never overlap; a room or device is held by one appointment at a time;
the client-facing span lies in the provider's hours; credentials match), and
inserted with bulk_create in one transaction: about 0.3 s a spa, where the
booking service (every rule checked, one appointment at a time) takes about 10 s
a spa (`manage.py demo`). The audit log is left empty (the booking service would
log each booking).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from demo.calendar_data import (
    AESTHETICIAN,
    CALENDARS,
    INJECTORS,
    LASER_AND_DEVICES,
    LASER_SUITE,
    MENU,
    PRESCRIBERS,
    RESOURCE_TYPES,
    RN,
    SANTA_MONICA,
    TREATMENT_ROOM,
    VISITS,
    DemoService,
    week,
)
from shared_apps.accounts.models import Membership, Role, User
from tenant_apps.catalog.models import Service, ServiceCategory
from tenant_apps.clients.models import Client, MarketingConsent
from tenant_apps.locations.models import Location, LocationHours, Resource, ResourceType
from tenant_apps.scheduling.models import (
    HOLDING_STATUSES,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentService,
    AppointmentSource,
    AppointmentStatus,
    ResourceBooking,
)
from tenant_apps.staff.models import Credential, StaffProfile, TimeOff, TimeOffKind, WorkingHours
from tenants.db import connection
from tenants.models import Spa

PASSWORD = "bench-password-2026"  # noqa: S105 (benchmark data on a loopback-only cluster)
CLIENTS = 500
DAYS_BACK = DAYS_AHEAD = 7
ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles")
FRONT_DESK = "frontdesk"

# The demo's 13 services and 7 more: 20.
EXTRA: dict[str, tuple[DemoService, ...]] = {
    "Neurotoxins": (
        DemoService("Xeomin, three areas", 30, 47000, INJECTORS, (TREATMENT_ROOM,), after=5),
        DemoService("Masseter Botox", 30, 60000, INJECTORS, (TREATMENT_ROOM,), after=5),
    ),
    "Dermal fillers": (
        DemoService("Chin filler", 45, 80000, PRESCRIBERS, (TREATMENT_ROOM,), after=10),
        DemoService(
            "Jawline filler, two syringes", 60, 160000, PRESCRIBERS, (TREATMENT_ROOM,), after=10
        ),
    ),
    "Laser and light": (
        DemoService(
            "Laser hair removal, small area", 30, 15000, INJECTORS, (LASER_SUITE,), after=10
        ),
    ),
    "Facials": (
        DemoService("Microneedling", 60, 35000, (AESTHETICIAN, RN), (TREATMENT_ROOM,), after=10),
        DemoService("LED light therapy", 30, 9000, (AESTHETICIAN,), (TREATMENT_ROOM,)),
    ),
}
EXTRA_VISITS = tuple((3, (spec.name,)) for specs in EXTRA.values() for spec in specs)
RESOURCES = (*((f"Treatment room {n}", TREATMENT_ROOM) for n in range(1, 5)), *LASER_AND_DEVICES)
HOURS = week("Mon 10-18, Tue-Sat 9-19")
PROVIDERS = CALENDARS["radiance"].providers  # MD, NP (+RN), PA, aesthetician, RN

FIRST = [
    "Olivia",
    "Emma",
    "Ava",
    "Sophia",
    "Isabella",
    "Mia",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Ella",
    "Camila",
    "Luna",
    "Sofia",
    "Avery",
    "Mila",
    "Aria",
    "Scarlett",
    "Layla",
    "Chloe",
    "Grace",
    "Nora",
    "Riley",
    "Zoey",
    "Hannah",
    "Lily",
    "Violet",
    "Zoe",
    "Stella",
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Lucas",
    "Henry",
    "Theodore",
    "Jack",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Okafor",
    "Kowalski",
]
TAGS: tuple[list[str], ...] = (
    [],
    [],
    [],
    ["vip"],
    ["membership"],
    ["neurotoxin"],
    ["filler", "vip"],
    ["laser"],
)
ALLERGIES: tuple[list[str], ...] = ([], [], [], [], ["Lidocaine"], ["Latex"], ["Hyaluronidase"])
CANCEL_REASONS = ("Client rescheduled", "Feeling unwell", "Work conflict", "Travelling")


def spa_slug(n: int) -> str:
    return f"scale-{n:04}"


def spa_zone(n: int) -> str:
    return ZONES[n % len(ZONES)]


def front_desk_email(slug: str) -> str:
    return f"{FRONT_DESK}@{slug}.bench.example"


def provider_email(slug: str, n: int) -> str:
    return f"provider{n}@{slug}.bench.example"


_hash: list[str] = []


def password_hash() -> str:
    """One hash of PASSWORD with the production hasher, shared by every bench user
    (hashing is slow on purpose; 6,000 of them would take an hour)."""
    if not _hash:
        _hash.append(make_password(PASSWORD))
    return _hash[0]


@dataclass
class Loaded:
    clients: int = 0
    appointments: int = 0
    lines: int = 0
    holds: int = 0
    events: int = 0
    booked_minutes: int = 0
    working_minutes: int = 0


def spa_fill(spa: Spa, *, seed: int, now: dt.datetime) -> Loaded:
    """Load a freshly provisioned spa (connection anywhere, outside a transaction):
    its people in the public schema and its records in its own, in one transaction."""
    rng = random.Random(seed)
    zone = ZoneInfo(spa.timezone)
    today = now.astimezone(zone).date()
    loaded = Loaded()
    with transaction.atomic():
        connection.set_schema_to_public()
        users = User.objects.bulk_create(
            [
                User(email=front_desk_email(spa.slug), name="Front Desk", password=password_hash()),
                *(
                    User(email=provider_email(spa.slug, n), name=p.name, password=password_hash())
                    for n, p in enumerate(PROVIDERS, 1)
                ),
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=users[0], spa=spa, role=Role.FRONT_DESK),
                *(Membership(user=user, spa=spa, role=Role.PROVIDER) for user in users[1:]),
            ]
        )
        connection.set_tenant(spa)
        location, resources, services = _reference(zone.key)
        providers = _team(location, [u.pk for u in users[1:]], today, zone, rng)
        clients = _clients(rng, now)
        loaded.clients = len(clients)
        _calendar(
            location=location,
            resources=resources,
            services=services,
            providers=providers,
            clients=clients,
            front_desk_user_id=users[0].pk,
            today=today,
            zone=zone,
            now=now,
            rng=rng,
            loaded=loaded,
        )
    connection.set_schema_to_public()
    return loaded


def _reference(zone: str) -> tuple[Location, list[Resource], list[Service]]:
    location = Location.objects.create(
        name="Main Street",
        address_line1="100 Main Street",
        city="Springfield",
        region="CA",
        postal_code="90000",
        timezone=zone,
        phone="+13105550100",
    )
    LocationHours.objects.bulk_create(
        LocationHours(
            location=location,
            weekday=day,
            opens_at=dt.time.fromisoformat(opens),
            closes_at=dt.time.fromisoformat(closes),
        )
        for day, opens, closes in HOURS
    )
    types = {
        t.name: t
        for t in ResourceType.objects.bulk_create(
            ResourceType(name=name, kind=kind) for name, kind in RESOURCE_TYPES
        )
    }
    resources = Resource.objects.bulk_create(
        Resource(location=location, resource_type=types[type_name], name=name)
        for name, type_name in RESOURCES
    )
    services: list[Service] = []
    needs: list[tuple[DemoService, Service]] = []
    for order, (category_name, description, specs) in enumerate(MENU):
        category = ServiceCategory.objects.create(
            name=category_name, description=description, display_order=order
        )
        for position, spec in enumerate((*specs, *EXTRA.get(category_name, ()))):
            service = Service(
                category=category,
                name=spec.name,
                description=spec.description,
                duration_minutes=spec.minutes,
                buffer_before_minutes=spec.before,
                buffer_after_minutes=spec.after,
                price_cents=spec.price_cents,
                required_credentials=list(spec.credentials),
                is_bookable_online=spec.online,
                display_order=position,
            )
            services.append(service)
            needs.append((spec, service))
    Service.objects.bulk_create(services)
    through = Service.required_resource_types.through
    through.objects.bulk_create(
        through(service_id=service.pk, resourcetype_id=types[name].pk)
        for spec, service in needs
        for name in spec.needs
    )
    for spec, service in needs:
        service.needs = [types[name].pk for name in spec.needs]  # type: ignore[attr-defined]
    return location, resources, services


@dataclass
class _Provider:
    profile: StaffProfile
    credentials: tuple[str, ...]
    hours: tuple[tuple[int, str, str], ...]
    busy: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)


def _team(
    location: Location, user_ids: Sequence[int], today: dt.date, zone: ZoneInfo, rng
) -> list[_Provider]:
    profiles = StaffProfile.objects.bulk_create(
        StaffProfile(user_id=user_id, display_name=spec.display_name, is_provider=True)
        for user_id, spec in zip(user_ids, PROVIDERS, strict=True)
    )
    team = [
        _Provider(profile, spec.credentials, spec.hours[SANTA_MONICA])
        for profile, spec in zip(profiles, PROVIDERS, strict=True)
    ]
    Credential.objects.bulk_create(
        Credential(
            staff=member.profile,
            kind=kind,
            licence_number=f"{kind[:2]}-{rng.randint(100000, 999999)}",
            issuing_region="CA",
            expires_on=today + dt.timedelta(days=365),
        )
        for member in team
        for kind in member.credentials
    )
    WorkingHours.objects.bulk_create(
        WorkingHours(
            staff=member.profile,
            location=location,
            weekday=day,
            starts_at=dt.time.fromisoformat(start),
            ends_at=dt.time.fromisoformat(end),
        )
        for member in team
        for day, start, end in member.hours
    )
    # Each provider has two hours blocked on one of their days in the window.
    off = []
    for member in team:
        days = [
            (today + dt.timedelta(days=offset), start)
            for offset in range(-DAYS_BACK, DAYS_AHEAD + 1)
            for weekday, start, _ in member.hours
            if (today + dt.timedelta(days=offset)).isoweekday() == weekday
        ]
        day, start = rng.choice(days)
        starts_at = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=zone)
        starts_at += dt.timedelta(hours=2)
        member.busy.append((starts_at, starts_at + dt.timedelta(hours=2)))
        off.append(
            TimeOff(
                staff=member.profile,
                kind=TimeOffKind.BLOCKED,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                reason=rng.choice(("Training", "Team meeting", "Charting")),
            )
        )
    TimeOff.objects.bulk_create(off)
    return team


def _clients(rng, now: dt.datetime) -> list[int]:
    clients = []
    for n in range(CLIENTS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        consent = n % 3 == 0
        clients.append(
            Client(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}{n}@mail.example".lower(),
                phone=f"+1{rng.randint(201, 989)}555{n:04}",
                date_of_birth=dt.date(
                    rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28)
                ),
                allergies=rng.choice(ALLERGIES),
                tags=rng.choice(TAGS),
                country="US",
                marketing_consent=consent,
                marketing_consent_at=now if consent else None,
                marketing_consent_source="in_person" if consent else "",
            )
        )
    Client.objects.bulk_create(clients)
    MarketingConsent.objects.bulk_create(
        MarketingConsent(client=client, granted=True, source="in_person", recorded_at=now)
        for client in clients
        if client.marketing_consent
    )
    return [client.pk for client in clients]


def _overlaps(spans: list[tuple[dt.datetime, dt.datetime]], lo: dt.datetime, hi: dt.datetime):
    return any(start < hi and lo < end for start, end in spans)


def _calendar(
    *,
    location: Location,
    resources: list[Resource],
    services: list[Service],
    providers: list[_Provider],
    clients: list[int],
    front_desk_user_id: int,
    today: dt.date,
    zone: ZoneInfo,
    now: dt.datetime,
    rng,
    loaded: Loaded,
) -> None:
    """Walk each provider's shifts from start to end, placing visits of the menu
    with gaps between them, where the provider is free and the rooms and devices
    the visit needs are (buffers included)."""
    by_name = {service.name: service for service in services}
    visits = [(w, [by_name[n] for n in names]) for w, names in (*VISITS, *EXTRA_VISITS)]
    resource_busy: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {r.pk: [] for r in resources}
    by_type: dict[int, list[int]] = {}
    for resource in resources:
        by_type.setdefault(resource.resource_type_id, []).append(resource.pk)
    plans = []  # (appointment, [(service, start, end)], {resource: (lo, hi)})
    for offset in range(-DAYS_BACK, DAYS_AHEAD + 1):
        day = today + dt.timedelta(days=offset)
        for member in providers:
            able = [
                (w, visit)
                for w, visit in visits
                if all(
                    not s.required_credentials
                    or set(s.required_credentials) & set(member.credentials)
                    for s in visit
                )
            ]
            for weekday, start, end in member.hours:
                if weekday != day.isoweekday():
                    continue
                shift_end = dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=zone)
                cursor = dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=zone)
                loaded.working_minutes += (shift_end - cursor) // dt.timedelta(minutes=1)
                while cursor < shift_end:
                    if rng.random() < 0.2:  # an empty stretch
                        cursor += dt.timedelta(minutes=rng.choice((15, 30, 45)))
                        continue
                    visit = rng.choices([v for _, v in able], weights=[w for w, _ in able])[0]
                    placed = _place(visit, cursor, shift_end, member, by_type, resource_busy)
                    if placed is None:
                        cursor += dt.timedelta(minutes=15)
                        continue
                    segments, holds, blocked = placed
                    plans.append((member, visit, segments, holds, blocked))
                    cursor = blocked[1]
    appointments: list[Appointment] = []
    lines: list[AppointmentService] = []
    bookings: list[ResourceBooking] = []
    events: list[AppointmentEvent] = []
    for member, visit, segments, holds, (blocked_from, blocked_until) in plans:
        starts_at, ends_at = segments[0][1], segments[-1][2]
        status = _status(starts_at, ends_at, now, rng)
        online = all(s.is_bookable_online for s in visit) and rng.random() < 0.3
        booked_at = min(now, starts_at - dt.timedelta(days=rng.randint(2, 21)))
        appointment = Appointment(
            client_id=rng.choice(clients),
            provider=member.profile,
            location=location,
            status=status,
            source=AppointmentSource.ONLINE if online else AppointmentSource.STAFF,
            holds_time=status in HOLDING_STATUSES,
            starts_at=starts_at,
            ends_at=ends_at,
            blocked_from=blocked_from,
            blocked_until=blocked_until,
            booked_by_user_id=None if online else front_desk_user_id,
        )
        if status == AppointmentStatus.CANCELLED:
            appointment.cancelled_at = min(now, starts_at - dt.timedelta(hours=rng.randint(3, 48)))
            appointment.cancellation_reason = rng.choice(CANCEL_REASONS)
        appointments.append(appointment)
        appointment._plan = (visit, segments, holds, booked_at)  # type: ignore[attr-defined]
        if appointment.holds_time:
            loaded.booked_minutes += (ends_at - starts_at) // dt.timedelta(minutes=1)
    Appointment.objects.bulk_create(appointments)
    for appointment in appointments:
        visit, segments, holds, booked_at = appointment._plan  # type: ignore[attr-defined]
        lines += [
            AppointmentService(
                appointment=appointment,
                service=service,
                position=position,
                starts_at=lo,
                ends_at=hi,
                price_cents=service.price_cents,
                currency=service.currency,
            )
            for position, (service, lo, hi) in enumerate(segments)
        ]
        bookings += [
            ResourceBooking(
                appointment=appointment,
                resource_id=resource_id,
                blocked_from=lo,
                blocked_until=hi,
                holds_time=appointment.holds_time,
            )
            for resource_id, (lo, hi) in holds.items()
        ]
        events.append(
            AppointmentEvent(
                appointment=appointment,
                kind=AppointmentEventKind.BOOKED,
                actor_user_id=appointment.booked_by_user_id,
                actor_role="front_desk" if appointment.booked_by_user_id else "anonymous",
                to_status=AppointmentStatus.BOOKED,
            )
        )
        if appointment.status != AppointmentStatus.BOOKED:
            events.append(
                AppointmentEvent(
                    appointment=appointment,
                    kind=AppointmentEventKind.STATUS_CHANGED,
                    actor_user_id=front_desk_user_id,
                    actor_role="front_desk",
                    from_status=AppointmentStatus.BOOKED,
                    to_status=appointment.status,
                )
            )
    AppointmentService.objects.bulk_create(lines)
    ResourceBooking.objects.bulk_create(bookings)
    AppointmentEvent.objects.bulk_create(events)
    loaded.appointments += len(appointments)
    loaded.lines += len(lines)
    loaded.holds += len(bookings)
    loaded.events += len(events)


def _place(visit, cursor, shift_end, member: _Provider, by_type, resource_busy):
    """The visit's segments, resource holds and the provider's blocked span if it
    fits starting at `cursor` (after the first service's preparation), else None."""
    start = cursor + dt.timedelta(minutes=visit[0].buffer_before_minutes)
    segments = []
    at = start
    for service in visit:
        segments.append((service, at, at + dt.timedelta(minutes=service.duration_minutes)))
        at = segments[-1][2]
    if at > shift_end:
        return None
    blocked = (
        start - dt.timedelta(minutes=visit[0].buffer_before_minutes),
        at + dt.timedelta(minutes=visit[-1].buffer_after_minutes),
    )
    if _overlaps(member.busy, *blocked):
        return None
    # Each type's hold covers every segment that needs it, buffers included.
    spans: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for service, lo, hi in segments:
        lo -= dt.timedelta(minutes=service.buffer_before_minutes)
        hi += dt.timedelta(minutes=service.buffer_after_minutes)
        for type_id in service.needs:
            old = spans.get(type_id)
            spans[type_id] = (min(old[0], lo), max(old[1], hi)) if old else (lo, hi)
    holds: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    for type_id, (lo, hi) in spans.items():
        free = [r for r in by_type.get(type_id, ()) if not _overlaps(resource_busy[r], lo, hi)]
        if not free:
            return None
        holds[free[0]] = (lo, hi)
    for resource_id, span in holds.items():
        resource_busy[resource_id].append(span)
    member.busy.append(blocked)
    return segments, holds, blocked


def _status(starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime, rng) -> str:
    roll = rng.random()
    if ends_at <= now:
        if roll < 0.06:
            return AppointmentStatus.NO_SHOW
        if roll < 0.14:
            return AppointmentStatus.CANCELLED
        return AppointmentStatus.COMPLETED
    if starts_at <= now:
        return AppointmentStatus.CHECKED_IN
    if roll < 0.06:
        return AppointmentStatus.CANCELLED
    if roll < (0.8 if starts_at - now < dt.timedelta(days=2) else 0.35):
        return AppointmentStatus.CONFIRMED
    return AppointmentStatus.BOOKED
