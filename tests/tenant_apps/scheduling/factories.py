"""factory_boy factories for the calendar's records (appointments); use them on a spa's schema
(`on_spa(spa)` or `@pytest.mark.spa`)."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import factory

from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location, Resource, ResourceType
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
from tenant_apps.staff.models import StaffProfile
from tests.tenant_apps.locations.factories import (
    LocationFactory,
    LocationHoursFactory,
    ResourceFactory,
    ResourceTypeFactory,
    on_spa,  # noqa: F401 (other apps' tests take it from here)
)

# Staff factories are named by path (as they always were).
_STAFF_PROFILE = "tests.tenant_apps.staff.factories.StaffProfileFactory"


class AppointmentFactory(factory.django.DjangoModelFactory):
    """An appointment written directly, with no services or resources: give
    times that keep the provider's exclusion constraint."""

    class Meta:
        model = Appointment

    client = factory.SubFactory("tests.tenant_apps.clients.factories.ClientFactory")
    provider = factory.SubFactory(_STAFF_PROFILE)
    location = factory.SubFactory(LocationFactory)
    status = AppointmentStatus.BOOKED
    source = AppointmentSource.STAFF
    holds_time = factory.LazyAttribute(lambda o: o.status in HOLDING_STATUSES)
    starts_at = factory.LazyFunction(
        lambda: dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=60))
    blocked_from = factory.LazyAttribute(lambda o: o.starts_at)
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at)
    cancelled_at = factory.LazyAttribute(
        lambda o: o.starts_at if o.status == AppointmentStatus.CANCELLED else None
    )


def appointments_bulk(
    *,
    location: Location,
    providers: Sequence[StaffProfile],
    clients: Sequence[Client],
    service: Service,
    rooms: Sequence[Resource],
    first_start: dt.datetime,
    count: int,
    minutes: int = 30,
) -> list[Appointment]:
    """`count` booked appointments written in four bulk INSERTs, each with one
    service line, one room held and a "booked" history event. Appointment i goes
    to provider and room i modulo their number, at the next free `minutes` slot
    of that provider, so neither exclusion constraint is broken (give as many
    rooms as providers)."""
    assert len(rooms) >= len(providers), "one room per provider keeps rooms free"
    step = dt.timedelta(minutes=minutes)
    planned = []
    for i in range(count):
        starts_at = first_start + (i // len(providers)) * step
        planned.append(
            Appointment(
                client=clients[i % len(clients)],
                provider=providers[i % len(providers)],
                location=location,
                status=AppointmentStatus.BOOKED,
                source=AppointmentSource.STAFF,
                starts_at=starts_at,
                ends_at=starts_at + step,
                blocked_from=starts_at,
                blocked_until=starts_at + step,
            )
        )
    appointments = Appointment.objects.bulk_create(planned)
    AppointmentService.objects.bulk_create(
        AppointmentService(
            appointment=appointment,
            service=service,
            position=0,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            price_cents=service.price_cents,
            currency=service.currency,
        )
        for appointment in appointments
    )
    ResourceBooking.objects.bulk_create(
        ResourceBooking(
            appointment=appointment,
            resource=rooms[i % len(providers)],
            blocked_from=appointment.blocked_from,
            blocked_until=appointment.blocked_until,
        )
        for i, appointment in enumerate(appointments)
    )
    AppointmentEvent.objects.bulk_create(
        AppointmentEvent(
            appointment=appointment,
            kind=AppointmentEventKind.BOOKED,
            actor_role="system:test",
            to_status=AppointmentStatus.BOOKED,
        )
        for appointment in appointments
    )
    return appointments


@dataclass
class Desk:
    """A location's calendar ready to book (see `a_desk`)."""

    location: Location
    room_type: ResourceType
    rooms: list[Resource]
    service: Service
    providers: list[StaffProfile]
    clients: list[Client]


def a_desk(
    *,
    provider_user_ids: Sequence[int] = (),
    providers: int = 2,
    rooms: int = 1,
    clients: int = 2,
    timezone: str = "America/New_York",
) -> Desk:
    """A location open 09:00-17:00 every day, with `rooms` treatment rooms, a
    60-minute service ("Hydrafacial", $150) that needs one, providers working the
    same hours there (the first ones with the public user ids given, so members
    can act as them), and clients. Run it on a spa's schema."""
    from tests.tenant_apps.catalog.factories import ServiceFactory
    from tests.tenant_apps.clients.factories import ClientFactory
    from tests.tenant_apps.staff.factories import StaffProfileFactory, WorkingHoursFactory

    location = LocationFactory.create(name="Midtown", timezone=timezone)
    for weekday in range(1, 8):
        LocationHoursFactory.create(location=location, weekday=weekday)
    room_type = ResourceTypeFactory.create(name="Treatment room")
    made_rooms = [
        ResourceFactory.create(location=location, resource_type=room_type, name=f"Room {n + 1}")
        for n in range(rooms)
    ]
    service = ServiceFactory.create(
        name="Hydrafacial",
        duration_minutes=60,
        price_cents=15000,
        required_resource_types=[room_type],
    )
    user_ids = list(provider_user_ids)
    staff = [
        StaffProfileFactory.create(**({"user_id": user_ids[n]} if n < len(user_ids) else {}))
        for n in range(max(providers, len(user_ids)))
    ]
    for person in staff:
        for weekday in range(1, 8):
            WorkingHoursFactory.create(staff=person, location=location, weekday=weekday)
    return Desk(
        location=location,
        room_type=room_type,
        rooms=made_rooms,
        service=service,
        providers=staff,
        clients=ClientFactory.create_batch(clients),
    )


def a_monday(weeks_ahead: int = 2) -> dt.date:
    """A Monday 7 * weeks_ahead - 6 to 7 * weeks_ahead days from today."""
    today = dt.date.today()
    return today + dt.timedelta(days=7 * weeks_ahead - today.weekday())
