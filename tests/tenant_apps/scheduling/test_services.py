"""The calendar's write services: booking, moving and the status lifecycle, and
the database's guarantee that nobody is booked twice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location, Resource
from tenant_apps.scheduling.models import (
    STATUS_TRANSITIONS,
    Appointment,
    AppointmentEvent,
    AppointmentService,
    AppointmentSource,
    AppointmentStatus,
    ResourceBooking,
)
from tenant_apps.scheduling.selectors.availability import (
    bookable_location,
    bookable_services,
    free_slots,
)
from tenant_apps.scheduling.services.booking import appointment_book
from tenant_apps.scheduling.services.changes import appointment_reschedule, appointment_set_status
from tenant_apps.staff.models import CredentialKind, StaffProfile
from tenants.db import connection
from tests.concurrency import at_once
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.locations.factories import (
    LocationFactory,
    LocationHoursFactory,
    ResourceFactory,
    ResourceTypeFactory,
)
from tests.tenant_apps.staff.factories import (
    CredentialFactory,
    StaffProfileFactory,
    TimeOffFactory,
    WorkingHoursFactory,
)

NEW_YORK = ZoneInfo("America/New_York")
DESK = Actor(user_id=1, role="front_desk")


def codes(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return {
        field: [error.code or "" for error in errors]
        for field, errors in exc.value.error_dict.items()
    }


@dataclass
class Calendar:
    location: Location
    service: Service
    rooms: list[Resource]
    providers: list[StaffProfile]
    clients: list[Client]


def a_calendar(*, rooms: int = 1, providers: int = 2, clients: int = 2) -> Calendar:
    """A New York location open 09:00-17:00 every day, a 60-minute service with
    15 minutes of clean-up that needs a treatment room and an RN, qualified
    providers working the same hours, and clients."""
    location = LocationFactory.create(timezone="America/New_York")
    for weekday in range(1, 8):
        LocationHoursFactory(
            location=location, weekday=weekday, opens_at="09:00", closes_at="17:00"
        )
    room_type = ResourceTypeFactory(name="Treatment room")
    service = ServiceFactory.create(
        duration_minutes=60, buffer_after_minutes=15, required_credentials=["RN"]
    )
    service.required_resource_types.add(room_type)
    staff = []
    for _ in range(providers):
        profile = StaffProfileFactory.create()
        CredentialFactory(staff=profile, kind=CredentialKind.RN)
        for weekday in range(1, 8):
            WorkingHoursFactory(staff=profile, location=location, weekday=weekday)
        staff.append(profile)
    return Calendar(
        location=location,
        service=service,
        rooms=[
            ResourceFactory.create(location=location, resource_type=room_type, name=f"Room {n + 1}")
            for n in range(rooms)
        ],
        providers=staff,
        clients=ClientFactory.create_batch(clients),
    )


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


TOMORROW = (dt.datetime.now(NEW_YORK) + dt.timedelta(days=1)).date()


def book(calendar: Calendar, *, start: dt.datetime, provider: int = 0, client: int = 0, **kw):
    return appointment_book(
        actor=DESK,
        client_id=calendar.clients[client].pk,
        provider_id=calendar.providers[provider].pk,
        location_id=calendar.location.pk,
        service_ids=[calendar.service.pk],
        starts_at=start,
        **kw,
    )


@pytest.mark.spa("glow")
def test_booking_holds_the_provider_and_a_room_and_is_audited():
    calendar = a_calendar()
    before = AuditEntry.objects.count()

    appointment = book(calendar, start=at(TOMORROW, 10), notes="First visit")

    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.source == AppointmentSource.STAFF
    assert appointment.starts_at == at(TOMORROW, 10)
    assert appointment.ends_at == at(TOMORROW, 11)
    assert appointment.blocked_until == at(TOMORROW, 11, 15)
    line = AppointmentService.objects.get(appointment=appointment)
    assert (line.service_id, line.starts_at, line.ends_at) == (
        calendar.service.pk,
        at(TOMORROW, 10),
        at(TOMORROW, 11),
    )
    assert line.price_cents == calendar.service.price_cents
    hold = ResourceBooking.objects.get(appointment=appointment)
    assert (hold.resource_id, hold.blocked_from, hold.blocked_until) == (
        calendar.rooms[0].pk,
        at(TOMORROW, 10),
        at(TOMORROW, 11, 15),
    )
    assert list(appointment.history.values_list("kind", "to_status")) == [("booked", "booked")]
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert (entry.action, entry.client_ids) == (AuditAction.BOOK, [calendar.clients[0].pk])


@pytest.mark.spa("glow")
def test_the_same_provider_cannot_be_booked_twice():
    calendar = a_calendar(rooms=2)
    book(calendar, start=at(TOMORROW, 10))

    with pytest.raises(ValidationError) as refused:
        book(calendar, start=at(TOMORROW, 10, 30), client=1)

    assert codes(refused) == {"starts_at": ["SLOT_TAKEN"]}
    assert Appointment.objects.count() == 1


@pytest.mark.spa("glow")
def test_a_room_taken_by_another_provider_is_refused():
    calendar = a_calendar(rooms=1)
    book(calendar, start=at(TOMORROW, 10), provider=0)

    with pytest.raises(ValidationError) as refused:
        book(calendar, start=at(TOMORROW, 10, 30), provider=1, client=1)

    assert codes(refused) == {"starts_at": ["SLOT_TAKEN"]}
    # The room's clean-up runs to 11:15: the other provider may start then.
    later = book(calendar, start=at(TOMORROW, 11, 15), provider=1, client=1)
    assert later.resource_bookings.get().resource_id == calendar.rooms[0].pk


@pytest.mark.spa("glow")
def test_two_rooms_let_two_providers_work_at_once():
    calendar = a_calendar(rooms=2)

    first = book(calendar, start=at(TOMORROW, 10), provider=0)
    second = book(calendar, start=at(TOMORROW, 10), provider=1, client=1)

    rooms = {
        first.resource_bookings.get().resource_id,
        second.resource_bookings.get().resource_id,
    }
    assert rooms == {room.pk for room in calendar.rooms}


@pytest.mark.spa("glow")
def test_the_database_refuses_an_overlap_the_application_missed():
    """Written past the services, an overlapping holding row still cannot exist."""
    calendar = a_calendar()
    first = book(calendar, start=at(TOMORROW, 10))

    with (
        pytest.raises(IntegrityError, match="appointment_provider_no_overlap"),
        transaction.atomic(),
    ):
        Appointment.objects.create(
            client=calendar.clients[1],
            provider=first.provider,
            location=calendar.location,
            source=AppointmentSource.STAFF,
            starts_at=at(TOMORROW, 10, 45),
            ends_at=at(TOMORROW, 11, 45),
            blocked_from=at(TOMORROW, 10, 45),
            blocked_until=at(TOMORROW, 11, 45),
        )
    with (
        pytest.raises(IntegrityError, match="resourcebooking_no_overlap"),
        transaction.atomic(),
    ):
        other = Appointment.objects.create(
            client=calendar.clients[1],
            provider=calendar.providers[1],
            location=calendar.location,
            source=AppointmentSource.STAFF,
            starts_at=at(TOMORROW, 11),
            ends_at=at(TOMORROW, 12),
            blocked_from=at(TOMORROW, 11),
            blocked_until=at(TOMORROW, 12),
        )
        ResourceBooking.objects.create(
            appointment=other,
            resource=calendar.rooms[0],
            blocked_from=at(TOMORROW, 11),
            blocked_until=at(TOMORROW, 12),
        )


@pytest.mark.spa("glow")
def test_cancelled_and_no_show_appointments_free_their_time():
    calendar = a_calendar()
    first = book(calendar, start=at(TOMORROW, 10))

    appointment_set_status(
        actor=DESK, appointment_id=first.pk, status="cancelled", reason="Client is unwell"
    )
    second = book(calendar, start=at(TOMORROW, 10), client=1)

    first.refresh_from_db()
    assert first.status == "cancelled" and first.cancellation_reason == "Client is unwell"
    assert first.cancelled_at is not None
    assert not first.resource_bookings.get().holds_time
    assert second.resource_bookings.get().holds_time

    # A no-show, once its start has passed, frees its time as well.
    appointment_set_status(
        actor=DESK,
        appointment_id=second.pk,
        status="no_show",
        now=at(TOMORROW, 10, 20),
    )
    third = book(calendar, start=at(TOMORROW, 10, 30), client=0)
    assert third.status == "booked"


@pytest.mark.spa("glow")
def test_only_the_allowed_status_transitions_happen():
    calendar = a_calendar(clients=1)
    appointment = book(calendar, start=at(TOMORROW, 10))

    for status in ("confirmed", "checked_in", "completed"):
        appointment_set_status(actor=DESK, appointment_id=appointment.pk, status=status)
    for status in AppointmentStatus.values:
        with pytest.raises(ValidationError) as refused:
            appointment_set_status(
                actor=DESK, appointment_id=appointment.pk, status=status, reason="x"
            )
        assert codes(refused) == {"status": ["TRANSITION_INVALID"]}

    appointment.refresh_from_db()
    assert appointment.status == "completed"
    assert list(
        appointment.history.filter(kind="status_changed").values_list("from_status", "to_status")
    ) == [("booked", "confirmed"), ("confirmed", "checked_in"), ("checked_in", "completed")]


def test_the_transition_table_is_closed_and_final_states_are_final():
    statuses = set(AppointmentStatus.values)
    assert set(STATUS_TRANSITIONS) == statuses
    for targets in STATUS_TRANSITIONS.values():
        assert targets <= statuses
    for final in ("completed", "cancelled", "no_show"):
        assert STATUS_TRANSITIONS[final] == frozenset()
    assert "booked" not in set().union(*STATUS_TRANSITIONS.values())


@pytest.mark.spa("glow")
def test_cancelling_needs_a_reason_and_no_show_waits_for_the_start():
    calendar = a_calendar(clients=1)
    appointment = book(calendar, start=at(TOMORROW, 10))

    with pytest.raises(ValidationError) as no_reason:
        appointment_set_status(actor=DESK, appointment_id=appointment.pk, status="cancelled")
    with pytest.raises(ValidationError) as early:
        appointment_set_status(
            actor=DESK, appointment_id=appointment.pk, status="no_show", now=at(TOMORROW, 9)
        )

    assert codes(no_reason) == {"reason": ["REASON_REQUIRED"]}
    assert codes(early) == {"status": ["TOO_EARLY"]}
    appointment.refresh_from_db()
    assert appointment.status == "booked"
    assert not appointment.history.filter(kind="status_changed").exists()


@pytest.mark.spa("glow")
def test_rescheduling_moves_the_time_and_keeps_the_history():
    calendar = a_calendar(rooms=1)
    appointment = book(calendar, start=at(TOMORROW, 10))
    old_room = calendar.rooms[0].pk

    moved = appointment_reschedule(
        actor=DESK,
        appointment_id=appointment.pk,
        starts_at=at(TOMORROW, 14),
        provider_id=calendar.providers[1].pk,
    )

    assert moved.pk == appointment.pk
    assert (moved.starts_at, moved.provider_id) == (at(TOMORROW, 14), calendar.providers[1].pk)
    assert moved.lines.get().starts_at == at(TOMORROW, 14)
    assert moved.resource_bookings.get().blocked_from == at(TOMORROW, 14)
    event = moved.history.get(kind="rescheduled")
    assert event.previous == {
        "starts_at": at(TOMORROW, 10).astimezone(dt.UTC).isoformat(),
        "ends_at": at(TOMORROW, 11).astimezone(dt.UTC).isoformat(),
        "provider_id": calendar.providers[0].pk,
        "service_ids": [calendar.service.pk],
        "resource_ids": [old_room],
    }
    # The old time is free again.
    book(calendar, start=at(TOMORROW, 10), client=1)


@pytest.mark.spa("glow")
def test_rescheduling_into_its_own_time_is_allowed_but_not_into_anothers():
    calendar = a_calendar(rooms=2)
    mine = book(calendar, start=at(TOMORROW, 10))
    book(calendar, start=at(TOMORROW, 12), client=1)

    # Half an hour later overlaps only itself.
    appointment_reschedule(actor=DESK, appointment_id=mine.pk, starts_at=at(TOMORROW, 10, 30))
    with pytest.raises(ValidationError) as refused:
        appointment_reschedule(actor=DESK, appointment_id=mine.pk, starts_at=at(TOMORROW, 11, 30))

    assert codes(refused) == {"starts_at": ["SLOT_TAKEN"]}
    mine.refresh_from_db()
    assert mine.starts_at == at(TOMORROW, 10, 30)
    assert mine.history.filter(kind="rescheduled").count() == 1


@pytest.mark.spa("glow")
def test_a_final_appointment_cannot_be_moved():
    calendar = a_calendar(clients=1)
    appointment = book(calendar, start=at(TOMORROW, 10))
    appointment_set_status(
        actor=DESK, appointment_id=appointment.pk, status="cancelled", reason="r"
    )

    with pytest.raises(ValidationError) as refused:
        appointment_reschedule(
            actor=DESK, appointment_id=appointment.pk, starts_at=at(TOMORROW, 12)
        )

    assert codes(refused) == {"id": ["NOT_RESCHEDULABLE"]}


@pytest.mark.spa("glow")
def test_booking_is_refused_with_the_reason():
    calendar = a_calendar(clients=1)
    unqualified = StaffProfileFactory()
    WorkingHoursFactory(
        staff=unqualified, location=calendar.location, weekday=TOMORROW.isoweekday()
    )
    TimeOffFactory(staff=calendar.providers[1], starts_at=at(TOMORROW, 9), ends_at=at(TOMORROW, 13))
    archived = ClientFactory(archived_at=dt.datetime.now(dt.UTC))

    def refusal(**overrides) -> dict[str, list[str]]:
        arguments = {
            "actor": DESK,
            "client_id": calendar.clients[0].pk,
            "provider_id": calendar.providers[0].pk,
            "location_id": calendar.location.pk,
            "service_ids": [calendar.service.pk],
            "starts_at": at(TOMORROW, 10),
        } | overrides
        with pytest.raises(ValidationError) as refused:
            appointment_book(**arguments)
        return codes(refused)

    assert refusal(starts_at=at(TOMORROW, 8)) == {"starts_at": ["LOCATION_CLOSED"]}
    assert refusal(starts_at=at(TOMORROW, 16, 30)) == {"starts_at": ["LOCATION_CLOSED"]}
    assert refusal(provider_id=unqualified.pk) == {"starts_at": ["NOT_QUALIFIED"]}
    assert refusal(provider_id=calendar.providers[1].pk) == {"starts_at": ["SLOT_TAKEN"]}
    assert refusal(starts_at=dt.datetime(2026, 12, 1, 10)) == {"starts_at": ["START_INVALID"]}
    assert refusal(client_id=archived.pk) == {"client_id": ["CLIENT_ARCHIVED"]}
    assert refusal(service_ids=[]) == {"service_ids": ["SERVICES_INVALID"]}
    assert refusal(client_id=None, provider_id=None, location_id=None, service_ids=[None]) == {
        "client_id": ["NOT_FOUND"],
        "provider_id": ["NOT_FOUND"],
        "location_id": ["NOT_FOUND"],
        "service_ids": ["NOT_FOUND"],
    }
    assert Appointment.objects.count() == 0


@pytest.mark.spa("glow")
def test_the_desk_may_enter_a_visit_that_already_happened():
    calendar = a_calendar(clients=1)
    yesterday = TOMORROW - dt.timedelta(days=2)

    walk_in = book(calendar, start=at(yesterday, 10))

    assert walk_in.starts_at == at(yesterday, 10)
    with pytest.raises(ValidationError) as online:
        book(calendar, start=at(yesterday, 12), source="online")
    assert codes(online) == {"starts_at": ["OUTSIDE_POLICY"]}


@pytest.mark.spa("glow")
def test_online_bookings_keep_the_notice_and_bookable_services():
    calendar = a_calendar(clients=1)
    now = at(TOMORROW, 9)
    hidden = ServiceFactory(is_bookable_online=False)

    with pytest.raises(ValidationError) as too_soon:
        book(calendar, start=at(TOMORROW, 10), source="online", now=now)
    with pytest.raises(ValidationError) as hidden_service:
        appointment_book(
            actor=DESK,
            client_id=calendar.clients[0].pk,
            provider_id=calendar.providers[0].pk,
            location_id=calendar.location.pk,
            service_ids=[hidden.pk],
            starts_at=at(TOMORROW, 12),
            source="online",
            now=now,
        )
    # Staff at the desk are not bound by the online notice.
    booked = book(calendar, start=at(TOMORROW, 10), now=now)

    assert codes(too_soon) == {"starts_at": ["OUTSIDE_POLICY"]}
    assert codes(hidden_service) == {"service_ids": ["SERVICE_UNAVAILABLE"]}
    assert booked.status == "booked"


@pytest.mark.spa("glow")
def test_a_provider_scope_keeps_providers_to_their_own_schedule():
    calendar = a_calendar(rooms=2)
    theirs = book(calendar, start=at(TOMORROW, 10), provider=1)
    me = calendar.providers[0].user_id

    with pytest.raises(ValidationError) as other_provider:
        book(calendar, start=at(TOMORROW, 12), provider=1, provider_scope=me)
    with pytest.raises(ValidationError) as other_appointment:
        appointment_set_status(
            actor=DESK, appointment_id=theirs.pk, status="confirmed", provider_scope=me
        )
    mine = book(calendar, start=at(TOMORROW, 12), provider=0, provider_scope=me)

    assert codes(other_provider) == {"provider_id": ["NOT_FOUND"]}
    assert codes(other_appointment) == {"id": ["NOT_FOUND"]}
    assert mine.provider_id == calendar.providers[0].pk
    theirs.refresh_from_db()
    assert theirs.status == "booked"


# The clock changes of 2027 in New York: 14 March (02:00 EST -> 03:00 EDT) and
# 7 November (02:00 EDT -> 01:00 EST). 09:00 there is 14:00 UTC in winter, 13:00 in summer.
@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    ("day", "nine_am_utc"),
    [
        (dt.date(2027, 3, 13), 14),
        (dt.date(2027, 3, 14), 13),
        (dt.date(2027, 11, 6), 13),
        (dt.date(2027, 11, 7), 14),
    ],
)
def test_availability_and_booking_follow_the_location_clock_across_dst(day, nine_am_utc):
    calendar = a_calendar(rooms=1, providers=1, clients=1)
    now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)

    slots, _ = free_slots(
        location=bookable_location(calendar.location.pk),
        services=bookable_services([calendar.service.pk], online=False),
        provider_ids=None,
        first_day=day,
        last_day=day,
        online=False,
        now=now,
    )
    booked = book(calendar, start=at(day, 9), now=now)

    first = dt.datetime.combine(day, dt.time(nine_am_utc), tzinfo=dt.UTC)
    # 09:00 to 16:00 local every 15 minutes (60 minutes must end by 17:00): 29 starts.
    assert [slot.starts_at for slot in slots] == [
        first + dt.timedelta(minutes=15 * n) for n in range(29)
    ]
    assert booked.starts_at == first
    assert booked.lines.get().ends_at == first + dt.timedelta(hours=1)


ATTEMPTS = 20


@pytest.mark.usefixtures("committing")
def test_twenty_simultaneous_bookings_of_one_slot_give_it_to_exactly_one():
    """Twenty requests on twenty connections for one provider's 10:00: one booking
    is written, nineteen answers are SLOT_TAKEN, and nothing else is left behind."""
    spa = spa_provision(
        slug="slot-race", name="Slot Race", timezone_name="UTC", owner_email="o@slot-race.example"
    )
    connection.set_tenant(spa)
    calendar = a_calendar(rooms=ATTEMPTS, providers=1, clients=ATTEMPTS)
    audit_before = AuditEntry.objects.count()
    connection.set_schema_to_public()

    def attempt(n: int) -> str:
        try:
            book(calendar, start=at(TOMORROW, 10), client=n)
            return "booked"
        except ValidationError as exc:
            return ",".join(code for errors in codes_of(exc).values() for code in errors)

    outcomes, failures = at_once(spa, ATTEMPTS, attempt)

    assert failures == []
    assert sorted(outcomes) == ["SLOT_TAKEN"] * (ATTEMPTS - 1) + ["booked"]
    connection.set_tenant(spa)
    assert Appointment.objects.count() == 1
    assert AppointmentService.objects.count() == 1
    assert ResourceBooking.objects.count() == 1
    assert AppointmentEvent.objects.count() == 1
    # Refused bookings leave no audit entry either: theirs rolled back with them.
    assert AuditEntry.objects.count() == audit_before + 1
    connection.set_schema_to_public()


def codes_of(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code or "" for e in errors] for field, errors in exc.error_dict.items()}


@pytest.mark.spa("glow")
def test_starts_far_from_today_are_refused_not_crashed_on():
    calendar = a_calendar(clients=1)
    last_instant = dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))

    for start in (last_instant, at(TOMORROW, 10) + dt.timedelta(days=3700)):
        with pytest.raises(ValidationError) as refused:
            book(calendar, start=start)
        assert codes(refused) == {"starts_at": ["START_INVALID"]}


@pytest.mark.spa("glow")
def test_an_appointment_keeps_a_service_retired_after_it_was_booked():
    calendar = a_calendar(clients=1)
    appointment = book(calendar, start=at(TOMORROW, 10))
    Service.objects.filter(pk=calendar.service.pk).update(is_active=False)

    moved = appointment_reschedule(
        actor=DESK, appointment_id=appointment.pk, starts_at=at(TOMORROW, 13)
    )
    with pytest.raises(ValidationError) as new_booking:
        book(calendar, start=at(TOMORROW, 15))

    assert moved.starts_at == at(TOMORROW, 13)
    assert codes(new_booking) == {"service_ids": ["SERVICE_UNAVAILABLE"]}
