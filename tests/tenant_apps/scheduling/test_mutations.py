"""Booking, moving and progressing appointments through the spa API: typed
errors, the provider's own-schedule limit, and isolation between spas."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditEntry
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentStatus,
    ResourceBooking,
)
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.locations.factories import LocationFactory, ResourceTypeFactory, on_spa
from tests.tenant_apps.scheduling.factories import AppointmentFactory, a_desk, a_monday
from tests.tenant_apps.staff.factories import StaffProfileFactory

NEW_YORK = ZoneInfo("America/New_York")
DAY = a_monday()

APPOINTMENT_FIELDS = """
  id status source startsAt endsAt notes cancellationReason cancelledAt
  client { displayName }
  provider { displayName }
  location { name }
  services { position startsAt endsAt priceCents currency service { name } }
  resources { name kind }
  history { kind fromStatus toStatus actorRole previousStartsAt previousProviderId }
"""
BOOK = f"""
mutation($input: BookAppointmentInput!) {{
  bookAppointment(input: $input) {{
    appointment {{ {APPOINTMENT_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
RESCHEDULE = f"""
mutation($id: ID!, $startsAt: DateTime!, $providerId: ID, $serviceIds: [ID!]) {{
  rescheduleAppointment(
    id: $id, startsAt: $startsAt, providerId: $providerId, serviceIds: $serviceIds
  ) {{
    appointment {{ {APPOINTMENT_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
CANCEL = """
mutation($id: ID!, $reason: String!) {
  cancelAppointment(id: $id, reason: $reason) {
    appointment { status cancellationReason cancelledAt resources { name } }
    errors { field code message }
  }
}
"""
NOTES = """
mutation($id: ID!, $notes: String!) {
  updateAppointmentNotes(id: $id, notes: $notes) {
    appointment { notes history { kind } }
    errors { field code message }
  }
}
"""
STATUS_MUTATIONS = [
    "confirmAppointment",
    "checkInAppointment",
    "completeAppointment",
    "markNoShow",
]


def status_change(name: str) -> str:
    return f"""
    mutation($id: ID!) {{
      {name}(id: $id) {{ appointment {{ status }} errors {{ field code message }} }}
    }}
    """


def at(day: dt.date, time: str) -> str:
    """A local New York wall time on `day`, as the API takes it (ISO, with offset)."""
    return dt.datetime.combine(day, dt.time.fromisoformat(time), tzinfo=NEW_YORK).isoformat()


@pytest.fixture
def desk(glow, member_of):
    """Two providers with accounts (`me` and `colleague`), one room, two clients."""
    me = member_of(glow, "provider")
    colleague = member_of(glow, "provider")
    with on_spa(glow):
        made = a_desk(provider_user_ids=[me.user_id, colleague.user_id], rooms=1)
        return {
            "desk": made,
            "me": me,
            "colleague": colleague,
            "clientId": to_global_id("Client", made.clients[0].pk),
            "otherClientId": to_global_id("Client", made.clients[1].pk),
            "myId": to_global_id("StaffMember", made.providers[0].pk),
            "colleagueId": to_global_id("StaffMember", made.providers[1].pk),
            "locationId": to_global_id("Location", made.location.pk),
            "serviceId": to_global_id("Service", made.service.pk),
        }


def book_input(desk, **overrides):
    return {
        "clientId": desk["clientId"],
        "providerId": desk["myId"],
        "locationId": desk["locationId"],
        "serviceIds": [desk["serviceId"]],
        "startsAt": at(DAY, "10:00"),
        **overrides,
    }


def book(api, desk, **overrides):
    return api.graphql(BOOK, {"input": book_input(desk, **overrides)}).data["bookAppointment"]


def booked_id(api, desk, **overrides) -> str:
    payload = book(api, desk, **overrides)
    assert payload["errors"] == [], payload["errors"]
    return payload["appointment"]["id"]


def stored(glow):
    with on_spa(glow):
        return sorted(
            (a.provider_id, a.starts_at, a.status) for a in Appointment.objects.order_by("id")
        )


def test_front_desk_books_any_provider_with_a_room_held(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")

    payload = book(api, desk, providerId=desk["colleagueId"], notes="  First visit ")

    assert payload["errors"] == []
    appointment = payload["appointment"]
    times = {"startsAt": appointment["startsAt"], "endsAt": appointment["endsAt"]}
    assert appointment | {"id": None} == {
        "id": None,
        "status": "BOOKED",
        "source": "STAFF",
        **times,
        "notes": "First visit",
        "cancellationReason": "",
        "cancelledAt": None,
        "client": {
            "displayName": desk["desk"].clients[0].first_name
            + " "
            + desk["desk"].clients[0].last_name
        },
        "provider": {"displayName": desk["desk"].providers[1].display_name},
        "location": {"name": "Midtown"},
        "services": [
            {
                "position": 0,
                **times,
                "priceCents": 15000,
                "currency": "USD",
                "service": {"name": "Hydrafacial"},
            }
        ],
        "resources": [{"name": "Room 1", "kind": "ROOM"}],
        "history": [
            {
                "kind": "BOOKED",
                "fromStatus": None,
                "toStatus": "BOOKED",
                "actorRole": "front_desk",
                "previousStartsAt": None,
                "previousProviderId": None,
            }
        ],
    }
    starts = dt.datetime.fromisoformat(appointment["startsAt"])
    assert starts == dt.datetime.fromisoformat(at(DAY, "10:00"))
    assert dt.datetime.fromisoformat(appointment["endsAt"]) - starts == dt.timedelta(hours=1)
    with on_spa(glow):
        saved = Appointment.objects.get()
        assert saved.booked_by_user_id == api.membership.user_id
        assert list(saved.resource_bookings.values_list("resource__name", flat=True)) == ["Room 1"]


def test_the_same_provider_twice_is_slot_taken_and_nothing_is_written(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    booked_id(api, desk)
    before = stored(glow)

    again = book(api, desk, clientId=desk["otherClientId"], startsAt=at(DAY, "10:30"))

    assert again["appointment"] is None
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("startsAt", "SLOT_TAKEN")]
    assert stored(glow) == before


def test_the_only_room_taken_refuses_another_provider_at_that_time(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    booked_id(api, desk, providerId=desk["myId"])

    other = book(api, desk, providerId=desk["colleagueId"], clientId=desk["otherClientId"])
    later = book(
        api,
        desk,
        providerId=desk["colleagueId"],
        clientId=desk["otherClientId"],
        startsAt=at(DAY, "11:00"),
    )

    assert [(e["field"], e["code"]) for e in other["errors"]] == [("startsAt", "SLOT_TAKEN")]
    assert later["errors"] == []
    with on_spa(glow):
        assert ResourceBooking.objects.count() == 2


def _typed_cases():
    """(description, how to set up, input overrides, expected (field, code) errors)."""
    return [
        ("unknown client", None, {"clientId": "nope"}, [("clientId", "NOT_FOUND")]),
        ("unknown provider", None, {"providerId": "nope"}, [("providerId", "NOT_FOUND")]),
        ("unknown location", None, {"locationId": "nope"}, [("locationId", "NOT_FOUND")]),
        ("unknown service", None, {"serviceIds": ["nope"]}, [("serviceIds", "NOT_FOUND")]),
        ("no service", None, {"serviceIds": []}, [("serviceIds", "SERVICES_INVALID")]),
        (
            "before opening",
            None,
            {"startsAt": at(DAY, "08:00")},
            [("startsAt", "LOCATION_CLOSED")],
        ),
        (
            "no offset",
            None,
            {"startsAt": f"{DAY.isoformat()}T10:00:00"},
            [("startsAt", "START_INVALID")],
        ),
        ("long notes", None, {"notes": "x" * 2001}, [("notes", "TOO_LONG")]),
        ("archived client", "archived_client", {}, [("clientId", "CLIENT_ARCHIVED")]),
        ("inactive service", "inactive_service", {}, [("serviceIds", "SERVICE_UNAVAILABLE")]),
        ("needs a device", "device_service", {}, [("serviceIds", "RESOURCE_MISSING")]),
        ("needs an RN", "rn_service", {}, [("startsAt", "NOT_QUALIFIED")]),
        ("not a provider", "receptionist", {}, [("providerId", "PROVIDER_UNAVAILABLE")]),
        ("works elsewhere", "elsewhere", {}, [("providerId", "PROVIDER_NOT_WORKING")]),
        ("location closed", "closed_location", {}, [("locationId", "LOCATION_CLOSED")]),
    ]


def _arrange(glow, desk, setup):
    """Make the records a case needs on glow; the input overrides they call for."""
    if setup is None:
        return {}
    made = desk["desk"]
    with on_spa(glow):
        if setup == "archived_client":
            made.clients[0].archived_at = dt.datetime.now(dt.UTC)
            made.clients[0].save()
            return {}
        if setup == "inactive_service":
            made.service.is_active = False
            made.service.save()
            return {}
        if setup == "device_service":
            laser = ResourceTypeFactory(name="CO2 laser", kind="device")
            service = ServiceFactory(required_resource_types=[laser])
            return {"serviceIds": [to_global_id("Service", service.pk)]}
        if setup == "rn_service":
            service = ServiceFactory(required_credentials=["RN"])
            return {"serviceIds": [to_global_id("Service", service.pk)]}
        if setup == "receptionist":
            person = StaffProfileFactory(is_provider=False)
            return {"providerId": to_global_id("StaffMember", person.pk)}
        if setup == "elsewhere":
            person = StaffProfileFactory()
            return {"providerId": to_global_id("StaffMember", person.pk)}
        if setup == "closed_location":
            made.location.is_active = False
            made.location.save()
            return {}
    raise AssertionError(setup)


@pytest.mark.parametrize(
    ("case", "setup", "overrides", "expected"), _typed_cases(), ids=[c[0] for c in _typed_cases()]
)
def test_bookings_refused_say_why_with_a_typed_code(
    glow, signed_in, desk, case, setup, overrides, expected
):
    arranged = _arrange(glow, desk, setup)
    with on_spa(glow):
        before = AuditEntry.objects.count()

    payload = book(signed_in(glow, "front_desk"), desk, **(overrides | arranged))

    assert payload["appointment"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == expected
    with on_spa(glow):
        assert not Appointment.objects.exists()
        assert AuditEntry.objects.count() == before
    # Messages never carry client data.
    names = {c.first_name for c in desk["desk"].clients} | {
        c.last_name for c in desk["desk"].clients
    }
    assert not any(name in e["message"] for e in payload["errors"] for name in names)


def test_a_provider_books_themselves_but_not_a_colleague(glow, signed_in, desk):
    api = signed_in(glow, membership=desk["me"])

    mine = book(api, desk)
    theirs = book(api, desk, providerId=desk["colleagueId"], startsAt=at(DAY, "13:00"))

    assert mine["errors"] == []
    assert [(e["field"], e["code"]) for e in theirs["errors"]] == [("providerId", "NOT_FOUND")]
    with on_spa(glow):
        assert Appointment.objects.count() == 1


def test_a_provider_cannot_touch_a_colleagues_appointment(glow, signed_in, desk):
    appointment_id = booked_id(signed_in(glow, "front_desk"), desk, providerId=desk["colleagueId"])
    api = signed_in(glow, membership=desk["me"])
    before = stored(glow)

    answers = {
        "cancelAppointment": api.graphql(CANCEL, {"id": appointment_id, "reason": "Ill"}),
        "updateAppointmentNotes": api.graphql(NOTES, {"id": appointment_id, "notes": "x"}),
        "rescheduleAppointment": api.graphql(
            RESCHEDULE, {"id": appointment_id, "startsAt": at(DAY, "14:00")}
        ),
        **{
            name: api.graphql(status_change(name), {"id": appointment_id})
            for name in STATUS_MUTATIONS
        },
    }

    for name, answer in answers.items():
        assert answer.data[name]["appointment"] is None
        assert [(e["field"], e["code"]) for e in answer.data[name]["errors"]] == [
            ("id", "NOT_FOUND")
        ], name
    assert stored(glow) == before


def test_a_provider_moves_and_progresses_their_own_appointment(glow, signed_in, desk):
    api = signed_in(glow, membership=desk["me"])
    appointment_id = booked_id(api, desk)

    moved = api.graphql(RESCHEDULE, {"id": appointment_id, "startsAt": at(DAY, "15:00")})
    confirmed = api.graphql(status_change("confirmAppointment"), {"id": appointment_id})

    assert moved.data["rescheduleAppointment"]["errors"] == []
    assert confirmed.data["confirmAppointment"] == {
        "appointment": {"status": "CONFIRMED"},
        "errors": [],
    }


def test_rescheduling_moves_time_and_provider_and_keeps_the_history(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    appointment_id = booked_id(api, desk)

    answer = api.graphql(
        RESCHEDULE,
        {"id": appointment_id, "startsAt": at(DAY, "13:30"), "providerId": desk["colleagueId"]},
    )

    payload = answer.data["rescheduleAppointment"]
    assert payload["errors"] == []
    appointment = payload["appointment"]
    assert dt.datetime.fromisoformat(appointment["startsAt"]) == dt.datetime.fromisoformat(
        at(DAY, "13:30")
    )
    assert appointment["provider"] == {"displayName": desk["desk"].providers[1].display_name}
    assert appointment["resources"] == [{"name": "Room 1", "kind": "ROOM"}]
    booked, rescheduled = appointment["history"]
    assert booked["kind"] == "BOOKED"
    assert rescheduled["kind"] == "RESCHEDULED"
    assert dt.datetime.fromisoformat(rescheduled["previousStartsAt"]) == dt.datetime.fromisoformat(
        at(DAY, "10:00")
    )
    assert rescheduled["previousProviderId"] == desk["myId"]


def test_rescheduling_refusals_are_typed(glow, signed_in, desk, radiance):
    api = signed_in(glow, "front_desk")
    appointment_id = booked_id(api, desk)
    blocking_id = booked_id(
        api,
        desk,
        providerId=desk["colleagueId"],
        startsAt=at(DAY, "14:00"),
        clientId=desk["otherClientId"],
    )
    with on_spa(radiance):
        foreign_provider = to_global_id("StaffMember", desk["desk"].providers[1].pk)
    api.graphql(CANCEL, {"id": blocking_id, "reason": "Moved away"})

    def codes(**variables):
        answer = api.graphql(RESCHEDULE, {"id": appointment_id, **variables})
        return [(e["field"], e["code"]) for e in answer.data["rescheduleAppointment"]["errors"]]

    assert codes(startsAt=at(DAY, "18:00")) == [("startsAt", "LOCATION_CLOSED")]
    assert codes(startsAt=at(DAY, "11:00"), providerId=foreign_provider) == [
        ("providerId", "NOT_FOUND")
    ]
    assert codes(startsAt=at(DAY, "11:00"), serviceIds=["nope"]) == [("serviceIds", "NOT_FOUND")]
    cancelled = api.graphql(RESCHEDULE, {"id": blocking_id, "startsAt": at(DAY, "15:00")})
    assert [(e["field"], e["code"]) for e in cancelled.data["rescheduleAppointment"]["errors"]] == [
        ("id", "NOT_RESCHEDULABLE")
    ]


def test_an_appointment_goes_from_booked_to_completed(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    appointment_id = booked_id(api, desk)

    statuses = [
        api.graphql(status_change(name), {"id": appointment_id}).data[name]
        for name in ("confirmAppointment", "checkInAppointment", "completeAppointment")
    ]

    assert statuses == [
        {"appointment": {"status": status}, "errors": []}
        for status in ("CONFIRMED", "CHECKED_IN", "COMPLETED")
    ]
    with on_spa(glow):
        history = Appointment.objects.get().history.values_list("from_status", "to_status")
        assert list(history)[1:] == [
            ("booked", "confirmed"),
            ("confirmed", "checked_in"),
            ("checked_in", "completed"),
        ]


@pytest.mark.parametrize(
    ("status", "mutation"),
    [
        (AppointmentStatus.COMPLETED, "cancelAppointment"),
        (AppointmentStatus.COMPLETED, "checkInAppointment"),
        (AppointmentStatus.CANCELLED, "confirmAppointment"),
        (AppointmentStatus.NO_SHOW, "checkInAppointment"),
        (AppointmentStatus.BOOKED, "completeAppointment"),
        (AppointmentStatus.CONFIRMED, "confirmAppointment"),
        (AppointmentStatus.CHECKED_IN, "markNoShow"),
    ],
)
def test_illegal_transitions_are_refused(glow, signed_in, desk, status, mutation):
    with on_spa(glow):
        appointment = AppointmentFactory(
            client=desk["desk"].clients[0],
            provider=desk["desk"].providers[0],
            location=desk["desk"].location,
            status=status,
            cancellation_reason="Ill" if status == AppointmentStatus.CANCELLED else "",
            starts_at=dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2),
        )
        appointment_id = to_global_id("Appointment", appointment.pk)
    api = signed_in(glow, "manager")

    if mutation == "cancelAppointment":
        answer = api.graphql(CANCEL, {"id": appointment_id, "reason": "Too late"})
    else:
        answer = api.graphql(status_change(mutation), {"id": appointment_id})

    assert answer.data[mutation]["appointment"] is None
    assert [(e["field"], e["code"]) for e in answer.data[mutation]["errors"]] == [
        (None, "TRANSITION_INVALID")
    ]
    with on_spa(glow):
        appointment.refresh_from_db()
        assert appointment.status == status
        assert appointment.history.count() == 0


def test_cancelling_needs_a_reason_and_frees_the_room(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    appointment_id = booked_id(api, desk)

    blank = api.graphql(CANCEL, {"id": appointment_id, "reason": "  "})
    cancelled = api.graphql(CANCEL, {"id": appointment_id, "reason": "Feeling unwell"})
    rebooked = book(api, desk, providerId=desk["colleagueId"], clientId=desk["otherClientId"])

    assert [(e["field"], e["code"]) for e in blank.data["cancelAppointment"]["errors"]] == [
        ("reason", "REASON_REQUIRED")
    ]
    payload = cancelled.data["cancelAppointment"]
    assert payload["errors"] == []
    assert payload["appointment"]["status"] == "CANCELLED"
    assert payload["appointment"]["cancellationReason"] == "Feeling unwell"
    assert payload["appointment"]["cancelledAt"] is not None
    assert rebooked["errors"] == []


def test_no_show_only_once_the_start_has_passed(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    upcoming_id = booked_id(api, desk)
    with on_spa(glow):
        past = AppointmentFactory(
            client=desk["desk"].clients[1],
            provider=desk["desk"].providers[1],
            location=desk["desk"].location,
            starts_at=dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=3),
        )
        past_id = to_global_id("Appointment", past.pk)

    early = api.graphql(status_change("markNoShow"), {"id": upcoming_id}).data["markNoShow"]
    missed = api.graphql(status_change("markNoShow"), {"id": past_id}).data["markNoShow"]

    assert [(e["field"], e["code"]) for e in early["errors"]] == [(None, "TOO_EARLY")]
    assert missed == {"appointment": {"status": "NO_SHOW"}, "errors": []}


def test_notes_are_replaced_and_kept_short(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    appointment_id = booked_id(api, desk, notes="Sensitive skin")

    changed = api.graphql(NOTES, {"id": appointment_id, "notes": " Prefers Room 1 "})
    too_long = api.graphql(NOTES, {"id": appointment_id, "notes": "x" * 2001})

    assert changed.data["updateAppointmentNotes"] == {
        "appointment": {
            "notes": "Prefers Room 1",
            "history": [{"kind": "BOOKED"}, {"kind": "NOTES_CHANGED"}],
        },
        "errors": [],
    }
    assert [(e["field"], e["code"]) for e in too_long.data["updateAppointmentNotes"]["errors"]] == [
        ("notes", "TOO_LONG")
    ]
    with on_spa(glow):
        assert Appointment.objects.get().notes == "Prefers Room 1"


def test_writes_are_audited_with_the_client_never_their_details(glow, signed_in, desk):
    api = signed_in(glow, "front_desk")
    with on_spa(glow):
        before = AuditEntry.objects.count()

    appointment_id = booked_id(api, desk)
    api.graphql(status_change("confirmAppointment"), {"id": appointment_id})

    client = desk["desk"].clients[0]
    with on_spa(glow):
        entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    # the booking, the read of the client in its payload, the status change and the
    # read of its payload (an appointment is part of its client's record)
    assert [(e.action, e.client_ids) for e in entries] == [
        ("book", [client.pk]),
        ("view", [client.pk]),
        ("appt_status", [client.pk]),
        ("view", [client.pk]),
    ]
    assert {e.actor_role for e in entries} == {"front_desk"}


def test_an_appointment_of_one_spa_is_invisible_and_untouchable_from_another(
    glow, radiance, signed_in, desk
):
    glow_id = booked_id(signed_in(glow, "front_desk"), desk)
    with on_spa(glow):
        appointment = Appointment.objects.get()
    with on_spa(radiance):
        # The same primary key exists there, as another spa's appointment.
        location = LocationFactory(name="Radiance", timezone="America/Los_Angeles")
        twin = AppointmentFactory(
            pk=appointment.pk,
            client=ClientFactory(pk=appointment.client_id),
            location=location,
            starts_at=appointment.starts_at,
        )
    api = signed_in(radiance, "owner")

    read = api.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": glow_id})
    writes = {
        "cancelAppointment": api.graphql(CANCEL, {"id": glow_id, "reason": "x"}),
        "updateAppointmentNotes": api.graphql(NOTES, {"id": glow_id, "notes": "changed"}),
        "rescheduleAppointment": api.graphql(
            RESCHEDULE, {"id": glow_id, "startsAt": at(DAY, "11:00")}
        ),
        **{name: api.graphql(status_change(name), {"id": glow_id}) for name in STATUS_MUTATIONS},
    }
    # glow's client, provider, location and service IDs book nothing on radiance
    foreign = book(api, desk)

    assert read.data["node"] is None
    for name, answer in writes.items():
        assert [(e["field"], e["code"]) for e in answer.data[name]["errors"]] == [
            ("id", "NOT_FOUND")
        ], name
    assert {(e["field"], e["code"]) for e in foreign["errors"]} == {
        ("clientId", "NOT_FOUND"),
        ("providerId", "NOT_FOUND"),
        ("locationId", "NOT_FOUND"),
        ("serviceIds", "NOT_FOUND"),
    }
    with on_spa(radiance):
        twin.refresh_from_db()
        assert (twin.status, twin.notes) == (AppointmentStatus.BOOKED, "")
        assert Appointment.objects.count() == 1
    with on_spa(glow):
        appointment.refresh_from_db()
        assert (appointment.status, appointment.notes) == (AppointmentStatus.BOOKED, "")
