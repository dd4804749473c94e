"""Two weeks of appointments around today for a demo location, found with the
availability engine and booked through `appointment_book`, so every rule the
product keeps holds for them too (see `demo/calendar.py` for the rest).

A day of a location is filled once: a day that already has an appointment is
left alone. Each day has its own random generator, seeded by spa, location and
date, so a re-run makes the same day the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from demo.calendar_data import VISITS
from tenant_apps.audit.services import Actor
from tenant_apps.catalog.models import Service
from tenant_apps.locations.models import Location
from tenant_apps.scheduling.engine import (
    Interval,
    ProviderSpec,
    ResourceSpec,
    Slot,
    find_slots,
)
from tenant_apps.scheduling.models import (
    HOLDING_STATUSES,
    Appointment,
    AppointmentSource,
    AppointmentStatus,
)
from tenant_apps.scheduling.selectors.availability import availability_inputs, policy_of
from tenant_apps.scheduling.services.booking import appointment_book
from tenant_apps.scheduling.services.changes import appointment_set_status

DAYS_BACK = DAYS_AHEAD = 7
FILL = (0.60, 0.75)  # share of the providers' working time booked, per day
# Refused bookings after which a day is left as it is (none are expected).
GIVE_UP_AFTER = 5
ONLINE_SHARE = 0.3
CANCEL_REASONS = (
    "Client rescheduled",
    "Feeling unwell",
    "Work conflict",
    "Travelling that week",
    "Childcare fell through",
)
NOTES = ("", "", "", "", "First visit", "Referred by a friend", "Prefers a natural look")

ACTOR = Actor.system("demo")


@dataclasses.dataclass
class Booked:
    made: int = 0
    # Starts the engine offered that the booking service refused: none, unless
    # the two disagree.
    refused: int = 0


def seed_appointments(
    *,
    slug: str,
    location: Location,
    services: list[Service],
    clients: list[int],
    today: dt.date,
    now: dt.datetime,
) -> Booked:
    """Fill the location's open days from DAYS_BACK before `today` to DAYS_AHEAD
    after it that have no appointment yet. `services` come with their resource
    types prefetched; `clients` are the ids to book."""
    zone = ZoneInfo(location.timezone)
    first = today - dt.timedelta(days=DAYS_BACK)
    days = [first + dt.timedelta(days=n) for n in range(DAYS_BACK + DAYS_AHEAD + 1)]
    open_days = set(location.hours.values_list("weekday", flat=True))
    window_start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
    window_end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    booked_days = {
        starts_at.astimezone(zone).date()
        for starts_at in Appointment.objects.filter(
            location=location, starts_at__gte=window_start, starts_at__lt=window_end
        ).values_list("starts_at", flat=True)
    }
    booked = Booked()
    for day in days:
        if day.isoweekday() in open_days and day not in booked_days:
            rng = random.Random(f"{slug}/{location.name}/{day.isoformat()}")  # noqa: S311
            _fill_day(location, day, services, clients, booked, rng=rng, now=now)
    return booked


def _fill_day(
    location: Location,
    day: dt.date,
    services: list[Service],
    clients: list[int],
    tally: Booked,
    *,
    rng: random.Random,
    now: dt.datetime,
) -> None:
    """Book the day to FILL of its providers' working time: a visit of the menu
    at a free start the engine offers, mostly next to another appointment (a
    calendar fills from its edges), until it is full enough or no visit fits.
    The engine's inputs are loaded once and kept in step with each booking."""
    inputs = availability_inputs(
        location=location, services=services, provider_ids=None, first_day=day, last_day=day
    )
    zone = ZoneInfo(location.timezone)
    specs = {spec.id: spec for spec in inputs.services}
    by_name = {service.name: service for service in services}
    present = {resource.type_id for resource in inputs.resources}
    visits = [
        (weight, [by_name[name] for name in names])
        for weight, names in VISITS
        if all(name in by_name for name in names)
        and all(set(specs[by_name[n].pk].resource_type_ids) <= present for n in names)
    ]
    providers = {spec.id: spec for spec in inputs.providers}
    resources = {spec.id: spec for spec in inputs.resources}
    policy = policy_of(inputs.profile, online=False)
    before_day = dt.datetime.combine(day, dt.time(), tzinfo=zone) - dt.timedelta(days=1)
    free = sum((_free_time(p, day, zone) for p in providers.values()), dt.timedelta(0))
    target = free * rng.uniform(*FILL)
    booked = dt.timedelta(0)
    visits_of = _client_visits(day, zone)
    refused = 0
    while visits and booked < target and refused < GIVE_UP_AFTER:
        visit = rng.choices([v for _, v in visits], weights=[w for w, _ in visits])[0]
        slots = find_slots(
            location=inputs.location_spec,
            services=[specs[service.pk] for service in visit],
            providers=list(providers.values()),
            resources=list(resources.values()),
            policy=policy,
            now=before_day,
            first_day=day,
            last_day=day,
        )
        if not slots:
            # The day only gets busier: this visit will not fit later either.
            visits = [(w, v) for w, v in visits if v is not visit]
            continue
        snug = [slot for slot in slots if _snug(slot, providers[slot.provider_id], day, zone)]
        slot = rng.choice(snug if snug and rng.random() < 0.8 else slots)
        client_id = _client(clients, visits_of, slot, rng)
        appointment = _book(slot, visit, location, client_id, rng=rng, now=now)
        if appointment is None:
            tally.refused += 1
            refused += 1
            continue
        tally.made += 1
        visits_of.setdefault(client_id, []).append((slot.starts_at, slot.ends_at))
        if appointment.holds_time:
            booked += slot.ends_at - slot.starts_at
            _hold(providers, resources, slot)


def _client_visits(
    day: dt.date, zone: ZoneInfo
) -> dict[int, list[tuple[dt.datetime, dt.datetime]]]:
    """Each client's visits on `day` at any location, so nobody is in two chairs at once."""
    day_start = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    visits: dict[int, list[tuple[dt.datetime, dt.datetime]]] = {}
    for client_id, starts_at, ends_at in Appointment.objects.filter(
        starts_at__gte=day_start,
        starts_at__lt=day_start + dt.timedelta(days=1),
        status__in=HOLDING_STATUSES,
    ).values_list("client_id", "starts_at", "ends_at"):
        visits.setdefault(client_id, []).append((starts_at, ends_at))
    return visits


def _snug(slot: Slot, provider: ProviderSpec, day: dt.date, zone: ZoneInfo) -> bool:
    """Whether the slot starts or ends where the provider's day or a busy span does."""
    shifts = [
        (
            dt.datetime.combine(day, interval.starts_at, tzinfo=zone),
            dt.datetime.combine(day, interval.ends_at, tzinfo=zone),
        )
        for interval in provider.working_hours
        if interval.weekday == day.isoweekday()
    ]
    edges = {end for _, end in shifts} | {busy.starts_at for busy in provider.busy}
    starts = {start for start, _ in shifts} | {busy.ends_at for busy in provider.busy}
    return (
        slot.starts_at in starts
        or slot.blocked_from in starts
        or slot.ends_at in edges
        or slot.blocked_until in edges
    )


def _client(
    clients: list[int],
    visits_of: dict[int, list[tuple[dt.datetime, dt.datetime]]],
    slot: Slot,
    rng: random.Random,
) -> int:
    """A client with no visit that day if there is one left, else one free at the time."""
    fresh = [pk for pk in clients if pk not in visits_of]
    if fresh:
        return rng.choice(fresh)
    free = [
        pk
        for pk in clients
        if all(end <= slot.starts_at or slot.ends_at <= start for start, end in visits_of[pk])
    ]
    return rng.choice(free or clients)


def _free_time(provider: ProviderSpec, day: dt.date, zone: ZoneInfo) -> dt.timedelta:
    """The provider's working time on `day` at the location, less time off."""
    free = dt.timedelta(0)
    for interval in provider.working_hours:
        if interval.weekday != day.isoweekday():
            continue
        start = dt.datetime.combine(day, interval.starts_at, tzinfo=zone)
        end = dt.datetime.combine(day, interval.ends_at, tzinfo=zone)
        free += end - start
        for busy in provider.busy:
            overlap = min(end, busy.ends_at) - max(start, busy.starts_at)
            free -= max(overlap, dt.timedelta(0))
    return free


def _hold(
    providers: dict[int, ProviderSpec], resources: dict[int, ResourceSpec], slot: Slot
) -> None:
    """Mark the slot's time busy in the engine's inputs, as the booking did in the
    database (the engine plans the same holds for the same inputs)."""
    provider = providers[slot.provider_id]
    span = Interval(slot.blocked_from, slot.blocked_until)
    providers[slot.provider_id] = dataclasses.replace(provider, busy=(*provider.busy, span))
    for hold in slot.holds:
        resource = resources[hold.resource_id]
        resources[hold.resource_id] = dataclasses.replace(
            resource, busy=(*resource.busy, Interval(hold.starts_at, hold.ends_at))
        )


def _book(
    slot: Slot,
    visit: Sequence[Service],
    location: Location,
    client_id: int,
    *,
    rng: random.Random,
    now: dt.datetime,
) -> Appointment | None:
    """Book the slot and move it to a status that fits its time: past visits
    mostly completed, a few missed or cancelled; future ones booked or
    confirmed, a few cancelled. A share of them came in online, a few days
    ahead. None if the booking is refused (it should not be)."""
    online = all(service.is_bookable_online for service in visit) and rng.random() < ONLINE_SHARE
    try:
        appointment = appointment_book(
            actor=ACTOR,
            client_id=client_id,
            provider_id=slot.provider_id,
            location_id=location.pk,
            service_ids=[service.pk for service in visit],
            starts_at=slot.starts_at,
            notes=rng.choice(NOTES),
            source=AppointmentSource.ONLINE if online else AppointmentSource.STAFF,
            # Booked a few days ahead, the rules applying as of then. This is also
            # what lets the past be seeded: appointment_book refuses any start
            # before `now`, a staff booking's too.
            now=min(now, slot.starts_at - dt.timedelta(days=rng.randint(2, 21))),
        )
    except ValidationError:
        return None
    roll = rng.random()
    if slot.ends_at <= now:
        if roll < 0.06:
            steps = [AppointmentStatus.NO_SHOW]
        elif roll < 0.14:
            steps = [AppointmentStatus.CANCELLED]
        else:
            steps = [AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED]
    elif slot.starts_at <= now:
        steps = [AppointmentStatus.CHECKED_IN]
    elif roll < 0.06:
        steps = [AppointmentStatus.CANCELLED]
    elif roll < (0.8 if slot.starts_at - now < dt.timedelta(days=2) else 0.35):
        steps = [AppointmentStatus.CONFIRMED]
    else:
        steps = []
    for status in steps:
        cancelled = status == AppointmentStatus.CANCELLED
        appointment = appointment_set_status(
            actor=ACTOR,
            appointment_id=appointment.pk,
            status=status,
            reason=rng.choice(CANCEL_REASONS) if cancelled else "",
            # A cancellation came in a day or two ahead (and never after now).
            now=min(now, slot.starts_at - dt.timedelta(hours=rng.randint(3, 48)))
            if cancelled
            else now,
        )
    return appointment
