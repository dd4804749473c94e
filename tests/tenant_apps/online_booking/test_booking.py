"""Online booking by patients (the public booking API): the menu, free slots,
booking, and what none of it may reveal."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from graphene.utils.str_converters import to_snake_case
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType

from config.schema_booking import schema as booking_schema
from core.graphql.mutations import SpaMutation
from core.graphql.relay import to_global_id
from shared_apps.accounts.permissions import ANYONE
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.scheduling.models import Appointment, AppointmentSource, ManageToken
from tenant_apps.scheduling.services.booking import appointment_book
from tests.tenant_apps.catalog.factories import ServiceCategoryFactory, ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.locations.factories import LocationFactory, on_spa
from tests.tenant_apps.online_booking.online import (
    AVAILABILITY,
    DAY,
    a_calendar,
    at,
    book,
    booking,
    token_from,
)
from tests.tenant_apps.staff.factories import StaffProfileFactory

DESK = Actor(user_id=1, role="front_desk")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def free(client, calendar, *, first=DAY, last=DAY, **variables: Any):
    return booking(
        client,
        AVAILABILITY,
        {
            "location": calendar.ids["location"],
            "services": [calendar.ids["service"]],
            "from": first.isoformat(),
            "to": last.isoformat(),
            **variables,
        },
    )


def payload_errors(answer) -> list[str]:
    return [e["code"] for e in answer.data["book"]["errors"]]


# --- The endpoint and its schema ----------------------------------------------------------


def test_booking_schema_has_nothing_of_the_staff_api():
    # given the booking schema, and its committed SDL
    schema = booking_schema.graphql_schema
    sdl = (Path(settings.BASE_DIR) / "config" / "schema_booking.graphql").read_text()
    # then it has its own few root fields
    assert set(schema.query_type.fields) == {
        "spa",
        "locations",
        "services",
        "availability",
        "appointment",
        "waitlistOffer",
        # A patient's forms link (tenant_apps/forms/graphql/patient.py).
        "formRequest",
    }
    assert set(schema.mutation_type.fields) == {
        "book",
        "cancel",
        "reschedule",
        "joinWaitlist",
        "claimWaitlistOffer",
        "submitFormResponse",
    }
    # and no client, staff record or note, in any type it can answer with
    assert not {"Client", "StaffMember", "Membership", "AuditEntry", "Node"} & set(schema.type_map)
    private = {"client", "clients", "clientId", "notes", "email", "phone", "user", "credentials"}
    for graphql_type in schema.type_map.values():
        if isinstance(graphql_type, GraphQLObjectType) and not graphql_type.name.startswith("__"):
            shown = set(graphql_type.fields) & private
            # a location's phone is the spa's own public number
            assert shown <= ({"phone"} if graphql_type.name == "Location" else set()), (
                graphql_type.name
            )
    assert "type Client" not in sdl and "clients" not in sdl


def test_every_root_field_is_declared_open_to_anyone():
    schema = booking_schema.graphql_schema
    for name in schema.query_type.fields:
        resolver = getattr(schema.query_type.graphene_type, f"resolve_{to_snake_case(name)}")
        assert resolver.permission is ANYONE, name
    for name, field in schema.mutation_type.fields.items():
        output = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
        assert not isinstance(output, GraphQLList)
        mutation = output.graphene_type
        assert issubclass(mutation, SpaMutation) and mutation.permission is ANYONE, name


def test_the_booking_api_needs_no_sign_in_and_ignores_authorization(glow, client_for, signed_in):
    # given a spa with a calendar
    calendar = a_calendar(glow)
    # when anyone asks, with no token, a broken one, or a staff member's
    anonymous = booking(client_for(glow), "{ spa { name onlineBookingEnabled } }")
    garbage = booking(client_for(glow), "{ spa { name } }", HTTP_AUTHORIZATION="Bearer not-a-token")
    staff = signed_in(glow, "owner")
    booked = book(staff, calendar, at(DAY, 10))
    # then every answer is given, and the staff token gave the booking no identity
    assert anonymous.status == 200
    assert anonymous.data == {"spa": {"name": "Glow Aesthetics", "onlineBookingEnabled": True}}
    assert garbage.status == 200 and garbage.data == {"spa": {"name": "Glow Aesthetics"}}
    assert booked.data["book"]["errors"] == []
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert appointment.booked_by_user_id is None
        assert appointment.source == AppointmentSource.ONLINE
        assert set(appointment.history.values_list("actor_role", flat=True)) == {"online"}


# --- The menu -----------------------------------------------------------------------------


def test_the_menu_lists_only_what_is_bookable_online_and_open_locations(
    glow, client_for, django_assert_num_queries
):
    # given services on and off the online menu, and a closed location
    calendar = a_calendar(glow)
    with on_spa(glow):
        ServiceFactory(name="Consultation only", is_bookable_online=False)
        ServiceFactory(name="Retired", is_active=False)
        ServiceFactory(
            name="In a hidden category", category=ServiceCategoryFactory(is_active=False)
        )
        LocationFactory(name="Closed branch", is_active=False)
    client = client_for(glow)
    menu = (
        "{ services { id name durationMinutes priceCents currency category { name } } "
        "locations { id name timezone } }"
    )
    booking(client, menu)  # routing cached
    # when the menu is asked for: one query per list (the connection is still
    # on the spa's search_path: no SET)
    with django_assert_num_queries(2):
        answer = booking(client, menu)
    # then only the online menu and the open location are listed
    assert answer.data["services"] == [
        {
            "id": calendar.ids["service"],
            "name": "Hydrafacial",
            "durationMinutes": 60,
            "priceCents": 10000,
            "currency": "USD",
            "category": {"name": calendar.service.category.name},
        }
    ]
    assert answer.data["locations"] == [
        {
            "id": calendar.ids["location"],
            "name": calendar.location.name,
            "timezone": "America/New_York",
        }
    ]


def test_the_spa_tells_its_policy(glow, client_for):
    calendar = a_calendar(glow)
    calendar.profile(min_notice_minutes=240, cancellation_window_hours=48, booking_horizon_days=30)
    answer = booking(
        client_for(glow),
        "{ spa { name minNoticeMinutes cancellationWindowHours bookingHorizonDays "
        "slotGranularityMinutes } }",
    )
    assert answer.data["spa"] == {
        "name": "Glow Aesthetics",
        "minNoticeMinutes": 240,
        "cancellationWindowHours": 48,
        "bookingHorizonDays": 30,
        "slotGranularityMinutes": 15,
    }


# --- Availability -------------------------------------------------------------------------


def test_availability_gives_free_slots_and_nothing_of_the_appointments(glow, client_for):
    # given a provider with a client booked 10:00-11:00 by the front desk
    calendar = a_calendar(glow)
    with on_spa(glow):
        patient = ClientFactory(first_name="Secretia", last_name="Hidden")
        appointment_book(
            actor=DESK,
            client_id=patient.pk,
            provider_id=calendar.providers[0].pk,
            location_id=calendar.location.pk,
            service_ids=[calendar.service.pk],
            starts_at=at(DAY, 10),
            notes="Private note",
        )
    # when a visitor asks for the day's free slots
    answer = free(client_for(glow), calendar)
    # then the starts around the appointment are missing, the others are offered,
    # and nothing about the appointment is in the answer
    starts = [
        dt.datetime.fromisoformat(s["startsAt"]) for s in answer.data["availability"]["slots"]
    ]
    assert at(DAY, 9) in starts and at(DAY, 11) in starts and at(DAY, 16) in starts
    assert not {at(DAY, 9, 15), at(DAY, 10), at(DAY, 10, 45)} & set(starts)
    assert all(start.minute % 15 == 0 for start in starts)
    assert answer.data["availability"]["slots"][0]["provider"] == {
        "id": calendar.ids["provider0"],
        "displayName": "Dana Provider 1",
    }
    assert answer.data["availability"]["truncated"] is False
    text = str(answer.body)
    assert "Secretia" not in text and "Hidden" not in text and "Private" not in text


def test_availability_range_is_capped_and_within_the_horizon(glow, client_for):
    calendar = a_calendar(glow)
    client = client_for(glow)
    # more than 14 days, or backwards: refused
    too_long = free(client, calendar, last=DAY + dt.timedelta(days=14))
    backwards = free(client, calendar, last=DAY - dt.timedelta(days=1))
    assert too_long.error_codes == backwards.error_codes == ["RANGE_INVALID"]
    assert too_long.data is None
    # days past the horizon have no slots
    calendar.profile(booking_horizon_days=1)
    beyond = free(client, calendar, first=DAY, last=DAY + dt.timedelta(days=5))
    assert beyond.data["availability"]["slots"] == []


def test_availability_refuses_when_online_booking_is_off(glow, client_for):
    calendar = a_calendar(glow)
    calendar.profile(online_booking_enabled=False)
    answer = free(client_for(glow), calendar)
    booked = book(client_for(glow), calendar, at(DAY, 10))
    assert answer.error_codes == ["ONLINE_BOOKING_DISABLED"]
    assert payload_errors(booked) == ["ONLINE_BOOKING_DISABLED"]


def test_availability_with_unknown_or_unbookable_records(glow, client_for):
    # given a staff member who is not a provider and a service off the online menu
    calendar = a_calendar(glow)
    with on_spa(glow):
        desk = StaffProfileFactory(is_provider=False)
        offline = ServiceFactory(is_bookable_online=False)
        desk_id, offline_id = to_global_id("Provider", desk.pk), to_global_id("Service", offline.pk)
    client = client_for(glow)
    # then the non-provider is not found and the service is not offered
    assert free(client, calendar, provider=desk_id).error_codes == ["NOT_FOUND"]
    assert free(client, calendar, services=[offline_id]).error_codes == ["SERVICE_UNAVAILABLE"]
    assert free(client, calendar, location="bm9wZQ").error_codes == ["NOT_FOUND"]


# --- Booking ------------------------------------------------------------------------------


def test_booking_creates_the_client_books_online_and_emails_a_link(glow, client_for, mailoutbox):
    # given a spa with a free slot and nobody on file
    calendar = a_calendar(glow)
    # when a new patient books it
    answer = book(client_for(glow), calendar, at(DAY, 10), email="Robin@Mail.Example")
    # then the booking is confirmed, without anything of the client record
    assert answer.status == 200
    result = answer.data["book"]
    assert result["errors"] == []
    confirmed = result["appointment"]
    assert dt.datetime.fromisoformat(confirmed["startsAt"]) == at(DAY, 10)
    assert dt.datetime.fromisoformat(confirmed["endsAt"]) == at(DAY, 11)
    assert confirmed["status"] == "BOOKED"
    assert re.fullmatch(r"[A-Z2-7]{4}-[A-Z2-7]{4}", confirmed["reference"])
    assert confirmed["services"][0]["name"] == "Hydrafacial"
    assert confirmed["provider"]["displayName"] == "Dana Provider 1"
    # and a client was created from the form, the appointment booked online
    with on_spa(glow):
        client = Client.objects.get()
        assert (client.first_name, client.last_name, client.email, client.phone) == (
            "Robin",
            "Patient",
            "robin@mail.example",
            "+12125550199",
        )
        appointment = Appointment.objects.get()
        assert appointment.client_id == client.pk
        assert appointment.source == AppointmentSource.ONLINE
        token = ManageToken.objects.get()
        assert token.appointment_id == appointment.pk and token.expires_at == appointment.starts_at
        assert token.email == "robin@mail.example"
        audited = list(
            AuditEntry.objects.order_by("seq").values_list("action", "actor_role", "client_ids")
        )
        assert audited == [
            (AuditAction.CREATE, "online", [client.pk]),
            (AuditAction.BOOK, "online", [client.pk]),
        ]
    # and the confirmation went to the address typed, with a link to manage it
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["robin@mail.example"]
    assert "Glow Aesthetics" in message.subject
    assert confirmed["reference"] in message.body
    assert "Hydrafacial" not in message.body  # no treatment named in an email
    secret = token_from(message)
    with on_spa(glow):
        assert ManageToken.objects.filter(
            token_hash=hashlib.sha256(secret.encode()).hexdigest()
        ).exists()
    assert "Robin" not in message.body  # nothing typed on the form is repeated


def test_a_known_email_books_on_that_client_and_changes_nothing(glow, client_for):
    # given a client on file
    calendar = a_calendar(glow)
    with on_spa(glow):
        known = ClientFactory(
            first_name="Avery", last_name="Known", email="avery@mail.example", phone="+12125550111"
        )
    # when someone books with that email (in other case) and other details
    answer = book(
        client_for(glow),
        calendar,
        at(DAY, 10),
        firstName="Mallory",
        lastName="Other",
        email="AVERY@mail.example",
        phone="+12125550122",
    )
    # then it is booked on that client, whose record is untouched
    assert answer.data["book"]["errors"] == []
    with on_spa(glow):
        assert Client.objects.count() == 1
        assert Appointment.objects.get().client_id == known.pk
        known.refresh_from_db()
        assert (known.first_name, known.last_name, known.phone) == (
            "Avery",
            "Known",
            "+12125550111",
        )
        assert Appointment.objects.get().notes == ""


def test_a_known_phone_books_on_that_client(glow, client_for):
    calendar = a_calendar(glow)
    with on_spa(glow):
        known = ClientFactory(email="old@mail.example", phone="+12125550111")
        ClientFactory(phone="+12125550111", archived_at=dt.datetime.now(dt.UTC))
    # a national number is read in the location's country
    answer = book(
        client_for(glow), calendar, at(DAY, 10), email="new@mail.example", phone="(212) 555-0111"
    )
    assert answer.data["book"]["errors"] == []
    with on_spa(glow):
        assert Client.objects.count() == 2
        assert Appointment.objects.get().client_id == known.pk
        known.refresh_from_db()
        assert known.email == "old@mail.example"


def test_an_archived_client_is_not_matched(glow, client_for):
    calendar = a_calendar(glow)
    with on_spa(glow):
        archived = ClientFactory(email="robin@mail.example", archived_at=dt.datetime.now(dt.UTC))
    answer = book(client_for(glow), calendar, at(DAY, 10))
    assert answer.data["book"]["errors"] == []
    with on_spa(glow):
        assert Appointment.objects.get().client_id != archived.pk
        assert Client.objects.count() == 2


class _Undo(Exception):
    pass


def _answer_and_email(client, calendar, start, mailoutbox, **changes) -> tuple[Any, list[Any]]:
    """Book, note the answer and the emails, and undo it all (so the next try
    finds the same calendar)."""
    mailoutbox.clear()
    try:
        with transaction.atomic():
            answer = book(client, calendar, start, **changes)
            raise _Undo
    except _Undo:
        pass
    return answer, [(m.to, m.subject, m.body) for m in mailoutbox]


def _without_per_booking(body: Any) -> Any:
    """The answer or email with the booking's reference and link token blanked."""
    text = str(body)
    text = re.sub(r"[A-Z2-7]{4}-[A-Z2-7]{4}", "REF", text)
    return re.sub(r"#[A-Za-z0-9_-]{43}", "#TOKEN", text)


def test_online_booking_cannot_reveal_whether_an_email_is_a_client(
    glow, client_for, mailoutbox, settings
):
    # given a client on file, and the same calendar for every try
    settings.BOOKING_RATES = {**settings.BOOKING_RATES, "book": "100/m"}
    calendar = a_calendar(glow)
    with on_spa(glow):
        ClientFactory(first_name="Avery", email="avery@mail.example", phone="+12125550111")
    client = client_for(glow)
    tries = {
        "known email": {"email": "avery@mail.example"},
        "known phone": {"email": "someone@mail.example", "phone": "+12125550111"},
        "unknown": {"email": "stranger@mail.example"},
    }
    typed = {"firstName": "Sam", "lastName": "Same"}
    # when each books the same slot, typing the same email for the comparison
    answers, emails = {}, {}
    for name, details in tries.items():
        answer, sent = _answer_and_email(
            client, calendar, at(DAY, 10), mailoutbox, **typed, **details
        )
        answers[name] = _without_per_booking(answer.body)
        emails[name] = [(to, subject, _without_per_booking(body)) for to, subject, body in sent]
    # then the answers are the same, and so are the emails (to each address typed)
    assert answers["known email"] == answers["known phone"] == answers["unknown"]
    assert "REF" in answers["unknown"] and "errors': []" in answers["unknown"]
    assert [e[1:] for e in emails["known email"]] == [e[1:] for e in emails["unknown"]]
    assert [e[1:] for e in emails["known phone"]] == [e[1:] for e in emails["unknown"]]
    assert emails["known email"][0][0] == ["avery@mail.example"]
    # and so are refusals: a taken slot, a bad phone, a bad start
    with on_spa(glow):
        taker = ClientFactory()
        appointment_book(
            actor=DESK,
            client_id=taker.pk,
            provider_id=calendar.providers[0].pk,
            location_id=calendar.location.pk,
            service_ids=[calendar.service.pk],
            starts_at=at(DAY, 10),
        )
    for changes in ({}, {"phone": "12"}, {"startsAt": "2020-01-01T10:00:00+00:00"}):
        refusals = {
            name: _answer_and_email(
                client, calendar, at(DAY, 10), mailoutbox, **{**typed, **details, **changes}
            )
            for name, details in tries.items()
        }
        assert refusals["known email"][0].body == refusals["unknown"][0].body
        assert refusals["known phone"][0].body == refusals["unknown"][0].body
        assert all(sent == [] for _, sent in refusals.values())


def test_booking_refuses_outside_notice_and_horizon(glow, client_for):
    calendar = a_calendar(glow)
    client = client_for(glow)
    calendar.profile(min_notice_minutes=7 * 24 * 60)
    too_soon = book(client, calendar, at(DAY, 10))
    calendar.profile(min_notice_minutes=0, booking_horizon_days=1)
    too_far = book(client, calendar, at(DAY, 10))
    assert payload_errors(too_soon) == payload_errors(too_far) == ["OUTSIDE_POLICY"]
    assert too_soon.data["book"]["errors"][0]["field"] == "startsAt"
    with on_spa(glow):
        assert not Appointment.objects.exists() and not Client.objects.exists()


def test_booking_refuses_a_service_not_bookable_online(glow, client_for):
    calendar = a_calendar(glow)
    with on_spa(glow):
        calendar.service.is_bookable_online = False
        calendar.service.save()
    answer = book(client_for(glow), calendar, at(DAY, 10))
    assert payload_errors(answer) == ["SERVICE_UNAVAILABLE"]


def test_booking_refuses_a_start_the_page_does_not_offer(glow, client_for):
    # off the 15-minute grid, or outside the provider's hours: not free
    calendar = a_calendar(glow)
    client = client_for(glow)
    assert payload_errors(book(client, calendar, at(DAY, 10, 5))) == ["SLOT_TAKEN"]
    assert payload_errors(book(client, calendar, at(DAY, 16, 30))) == ["SLOT_TAKEN"]


def test_booking_a_slot_just_taken_is_refused_and_leaves_nothing(glow, client_for, mailoutbox):
    # given a slot a visitor saw free, then taken at the front desk
    calendar = a_calendar(glow)
    client = client_for(glow)
    seen = free(client, calendar).data["availability"]["slots"]
    assert dt.datetime.fromisoformat(seen[4]["startsAt"]) == at(DAY, 10)
    with on_spa(glow):
        appointment_book(
            actor=DESK,
            client_id=ClientFactory().pk,
            provider_id=calendar.providers[0].pk,
            location_id=calendar.location.pk,
            service_ids=[calendar.service.pk],
            starts_at=at(DAY, 10),
        )
    mailoutbox.clear()
    # when the visitor books it
    answer = book(client, calendar, at(DAY, 10))
    # then it is taken, and no client, appointment or email came of it
    assert answer.data["book"]["errors"] == [
        {
            "field": "startsAt",
            "code": "SLOT_TAKEN",
            "message": "That time is not available. Choose another time.",
        }
    ]
    assert answer.data["book"]["appointment"] is None
    with on_spa(glow):
        assert Client.objects.count() == 1 and Appointment.objects.count() == 1
    assert mailoutbox == []


def test_any_provider_books_the_one_free(glow, client_for):
    # given two providers, the first busy at 10:00
    calendar = a_calendar(glow, providers=2)
    with on_spa(glow):
        appointment_book(
            actor=DESK,
            client_id=ClientFactory().pk,
            provider_id=calendar.providers[0].pk,
            location_id=calendar.location.pk,
            service_ids=[calendar.service.pk],
            starts_at=at(DAY, 10),
        )
    client = client_for(glow)
    # when a visitor books 10:00 with any provider, then names the busy one
    anyone = book(client, calendar, at(DAY, 10))
    named = book(
        client, calendar, at(DAY, 10), providerId=calendar.ids["provider0"], email="b@mail.example"
    )
    # then the free one is booked, and the busy one is refused
    assert anyone.data["book"]["appointment"]["provider"]["id"] == calendar.ids["provider1"]
    assert payload_errors(named) == ["SLOT_TAKEN"]


def test_the_form_is_checked_before_anything_happens(glow, client_for):
    calendar = a_calendar(glow)
    answer = book(
        client_for(glow),
        calendar,
        at(DAY, 10),
        firstName=" ",
        lastName="",
        email="not-an-email",
        phone="555",
        notes="x" * 2001,
    )
    errors = {(e["field"], e["code"]) for e in answer.data["book"]["errors"]}
    assert errors == {
        ("firstName", "NAME_REQUIRED"),
        ("lastName", "NAME_REQUIRED"),
        ("email", "EMAIL_INVALID"),
        ("phone", "PHONE_INVALID"),
        ("notes", "TOO_LONG"),
    }
    long_email = book(client_for(glow), calendar, at(DAY, 10), email="a" * 250 + "@mail.example")
    assert payload_errors(long_email) == ["EMAIL_INVALID"]
    for start in ("9999-12-31T23:00:00-05:00", "2026-12-01T10:00:00"):
        assert payload_errors(book(client_for(glow), calendar, at(DAY, 10), startsAt=start)) == [
            "START_INVALID"
        ]


# --- Another spa --------------------------------------------------------------------------


def test_ids_of_one_spa_find_nothing_at_another(glow, radiance, client_for):
    # given glow's calendar, and radiance's own
    calendar = a_calendar(glow)
    a_calendar(radiance)
    client = client_for(radiance)
    # when glow's location, service and provider ids are used on radiance's host
    answer = free(client, calendar, provider=calendar.ids["provider0"])
    booked = book(client, calendar, at(DAY, 10), providerId=calendar.ids["provider0"])
    # then nothing is found, and nothing is booked anywhere
    assert answer.error_codes == ["NOT_FOUND"]
    assert {(e["field"], e["code"]) for e in booked.data["book"]["errors"]} == {
        ("locationId", "NOT_FOUND"),
        ("serviceIds", "NOT_FOUND"),
        ("providerId", "NOT_FOUND"),
    }
    for spa in (glow, radiance):
        with on_spa(spa):
            assert not Appointment.objects.exists() and not Client.objects.exists()
