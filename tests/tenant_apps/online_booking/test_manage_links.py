"""Online booking: the manage link (view, cancel, reschedule within the spa's
window; single use; bound to its spa) and the per-address rate limits."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core.cache import cache
from django.utils import timezone

from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.scheduling.models import Appointment, AppointmentStatus, ManageToken
from tenant_apps.scheduling.services.changes import appointment_set_status
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.online_booking.online import (
    AVAILABILITY,
    BOOK,
    DAY,
    Calendar,
    a_calendar,
    at,
    book,
    book_input,
    booking,
    token_from,
)

APPOINTMENT = """
query Manage($token: String!) {
  appointment(token: $token) {
    reference status startsAt endsAt changeableUntil
    location { name } provider { displayName } services { name }
  }
}
"""
CANCEL = """
mutation Cancel($token: String!, $reason: String) {
  cancel(token: $token, reason: $reason) {
    errors { field code message }
    appointment { status startsAt }
  }
}
"""
RESCHEDULE = """
mutation Move($token: String!, $startsAt: DateTime!) {
  reschedule(token: $token, startsAt: $startsAt) {
    errors { field code message }
    appointment { status startsAt endsAt reference }
  }
}
"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def booked(client, calendar: Calendar, mailoutbox, start: dt.datetime | None = None) -> str:
    """Book (at DAY 10:00 unless said) and return the emailed token."""
    mailoutbox.clear()
    answer = book(client, calendar, start or at(DAY, 10))
    assert answer.data["book"]["errors"] == []
    return token_from(mailoutbox[-1])


def test_a_link_shows_its_booking_without_spending_it(glow, client_for, mailoutbox):
    # given a booking made online
    calendar = a_calendar(glow)
    client = client_for(glow)
    token = booked(client, calendar, mailoutbox)
    # when its link is opened twice
    first = booking(client, APPOINTMENT, {"token": token})
    again = booking(client, APPOINTMENT, {"token": token})
    # then it shows the booking (and nothing of the client), both times
    assert first.body == again.body
    shown = first.data["appointment"]
    assert shown["status"] == "BOOKED"
    assert dt.datetime.fromisoformat(shown["startsAt"]) == at(DAY, 10)
    assert dt.datetime.fromisoformat(shown["changeableUntil"]) == at(DAY, 10) - dt.timedelta(
        hours=24
    )
    assert shown["services"] == [{"name": "Hydrafacial"}]
    assert "Robin" not in str(first.body)
    # and each opening is logged as a view of the client's record, by the link's holder
    with on_spa(glow):
        client_id = Appointment.objects.get().client_id
        views = AuditEntry.objects.filter(action=AuditAction.VIEW)
        assert list(views.values_list("actor_role", "client_ids")) == [("online", [client_id])] * 2


def test_cancel_within_the_window_spends_the_link(glow, client_for, mailoutbox):
    # given a booking three days ahead, a 24-hour window
    calendar = a_calendar(glow)
    client = client_for(glow)
    token = booked(client, calendar, mailoutbox)
    mailoutbox.clear()
    # when it is cancelled with its link
    answer = booking(client, CANCEL, {"token": token, "reason": "Feeling unwell"})
    # then it is cancelled, the time is free again, and a note is emailed
    assert answer.data["cancel"]["errors"] == []
    assert answer.data["cancel"]["appointment"]["status"] == "CANCELLED"
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert appointment.status == AppointmentStatus.CANCELLED
        assert appointment.cancellation_reason == "Cancelled online: Feeling unwell"
        assert not ManageToken.objects.filter(used_at__isnull=True).exists()
    assert [m.to for m in mailoutbox] == [["robin@mail.example"]]
    assert "cancelled" in mailoutbox[0].body
    free = booking(
        client,
        AVAILABILITY,
        {
            "location": calendar.ids["location"],
            "services": [calendar.ids["service"]],
            "from": DAY.isoformat(),
            "to": DAY.isoformat(),
        },
    )
    starts = [dt.datetime.fromisoformat(s["startsAt"]) for s in free.data["availability"]["slots"]]
    assert at(DAY, 10) in starts
    # and the link works no more, for anything
    again = booking(client, CANCEL, {"token": token})
    shown = booking(client, APPOINTMENT, {"token": token})
    assert [e["code"] for e in again.data["cancel"]["errors"]] == ["TOKEN_INVALID"]
    assert shown.error_codes == ["TOKEN_INVALID"]


def test_cancel_outside_the_window_is_refused_and_keeps_the_link(glow, client_for, mailoutbox):
    # given a booking three days ahead, and a window of a week
    calendar = a_calendar(glow)
    client = client_for(glow)
    token = booked(client, calendar, mailoutbox)
    calendar.profile(cancellation_window_hours=7 * 24)
    # when it is cancelled or moved with its link
    cancel = booking(client, CANCEL, {"token": token})
    move = booking(client, RESCHEDULE, {"token": token, "startsAt": at(DAY, 14).isoformat()})
    # then both are refused, nothing changed, and the link still shows the booking
    for answer, root in ((cancel, "cancel"), (move, "reschedule")):
        assert answer.data[root]["errors"] == [
            {
                "field": "token",
                "code": "OUTSIDE_CANCELLATION_WINDOW",
                "message": "Online changes close 168 hours before the start. Contact the spa.",
            }
        ]
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert appointment.status == AppointmentStatus.BOOKED
        assert appointment.starts_at == at(DAY, 10)
    assert booking(client, APPOINTMENT, {"token": token}).data["appointment"]["status"] == "BOOKED"


def test_reschedule_moves_the_booking_and_sends_a_new_link(glow, client_for, mailoutbox):
    # given a booking at 10:00
    calendar = a_calendar(glow)
    client = client_for(glow)
    token = booked(client, calendar, mailoutbox)
    mailoutbox.clear()
    # when it is moved to 14:00 with its link
    answer = booking(client, RESCHEDULE, {"token": token, "startsAt": at(DAY, 14).isoformat()})
    # then it is moved, and a new link is emailed to the same address
    assert answer.data["reschedule"]["errors"] == []
    assert dt.datetime.fromisoformat(answer.data["reschedule"]["appointment"]["startsAt"]) == at(
        DAY, 14
    )
    assert [m.to for m in mailoutbox] == [["robin@mail.example"]]
    assert mailoutbox[0].subject.startswith("Moved:")
    new_token = token_from(mailoutbox[0])
    assert new_token != token
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert appointment.starts_at == at(DAY, 14)
        live = ManageToken.objects.get(used_at__isnull=True)
        assert live.expires_at == at(DAY, 14) and live.email == "robin@mail.example"
        assert list(appointment.history.values_list("kind", "actor_role")) == [
            ("booked", "online"),
            ("rescheduled", "online"),
        ]
    # and the old link is spent, the new one works
    old = booking(client, RESCHEDULE, {"token": token, "startsAt": at(DAY, 15).isoformat()})
    assert [e["code"] for e in old.data["reschedule"]["errors"]] == ["TOKEN_INVALID"]
    shown = booking(client, APPOINTMENT, {"token": new_token}).data["appointment"]
    assert dt.datetime.fromisoformat(shown["startsAt"]) == at(DAY, 14)


def test_reschedule_to_a_time_not_offered_keeps_the_booking_and_the_link(
    glow, client_for, mailoutbox
):
    calendar = a_calendar(glow)
    client = client_for(glow)
    token = booked(client, calendar, mailoutbox)
    other = booked(client, calendar, mailoutbox, start=at(DAY, 14))
    assert other != token
    # a time taken (by the other booking), off the grid, or too soon
    for start, code in (
        (at(DAY, 14), "SLOT_TAKEN"),
        (at(DAY, 11, 10), "SLOT_TAKEN"),
        (timezone.now() + dt.timedelta(minutes=30), "OUTSIDE_POLICY"),
    ):
        answer = booking(client, RESCHEDULE, {"token": token, "startsAt": start.isoformat()})
        assert [e["code"] for e in answer.data["reschedule"]["errors"]] == [code]
    # moving by half an hour over its own time works
    moved = booking(client, RESCHEDULE, {"token": token, "startsAt": at(DAY, 10, 30).isoformat()})
    assert moved.data["reschedule"]["errors"] == []


def test_unknown_spent_and_expired_links_are_all_token_invalid(glow, client_for, mailoutbox):
    calendar = a_calendar(glow)
    client = client_for(glow)
    spent = booked(client, calendar, mailoutbox)
    assert booking(client, CANCEL, {"token": spent}).data["cancel"]["errors"] == []
    expired = booked(client, calendar, mailoutbox, start=at(DAY, 14))
    with on_spa(glow):
        # (expiry is at the start; pretend that is past)
        ManageToken.objects.filter(used_at__isnull=True).update(
            created_at=timezone.now() - dt.timedelta(hours=1),
            expires_at=timezone.now() - dt.timedelta(seconds=1),
        )
    answers = [
        booking(client, CANCEL, {"token": token}).data["cancel"]["errors"]
        for token in (secrets.token_urlsafe(32), spent, expired, "", "x" * 5000)
    ]
    assert (
        answers
        == [
            [
                {
                    "field": "token",
                    "code": "TOKEN_INVALID",
                    "message": "This link is invalid, has been used or has expired.",
                }
            ]
        ]
        * 5
    )


def test_a_booking_changed_by_the_spa_cannot_be_changed_online(glow, client_for, mailoutbox):
    calendar = a_calendar(glow)
    client = client_for(glow)
    token = booked(client, calendar, mailoutbox)
    with on_spa(glow):
        appointment_set_status(
            actor=Actor(user_id=1, role="front_desk"),
            appointment_id=Appointment.objects.get().pk,
            status=AppointmentStatus.CANCELLED,
            reason="Provider ill",
        )
    answer = booking(client, RESCHEDULE, {"token": token, "startsAt": at(DAY, 14).isoformat()})
    assert [e["code"] for e in answer.data["reschedule"]["errors"]] == ["NOT_CHANGEABLE"]
    assert booking(client, APPOINTMENT, {"token": token}).data["appointment"]["status"] == (
        "CANCELLED"
    )


def test_a_link_of_one_spa_means_nothing_at_another(glow, radiance, client_for, mailoutbox):
    # given a booking at glow, and a calendar at radiance
    calendar = a_calendar(glow)
    a_calendar(radiance)
    token = booked(client_for(glow), calendar, mailoutbox)
    there = client_for(radiance)
    # when its link is used on radiance's host
    shown = booking(there, APPOINTMENT, {"token": token})
    cancel = booking(there, CANCEL, {"token": token})
    move = booking(there, RESCHEDULE, {"token": token, "startsAt": at(DAY, 14).isoformat()})
    # then it is unknown there, and nothing changed in either spa
    assert shown.error_codes == ["TOKEN_INVALID"]
    assert [e["code"] for e in cancel.data["cancel"]["errors"]] == ["TOKEN_INVALID"]
    assert [e["code"] for e in move.data["reschedule"]["errors"]] == ["TOKEN_INVALID"]
    with on_spa(glow):
        appointment = Appointment.objects.get()
        assert appointment.status == AppointmentStatus.BOOKED
        assert appointment.starts_at == at(DAY, 10)
        assert ManageToken.objects.get().used_at is None
    with on_spa(radiance):
        assert not Appointment.objects.exists()
    # and it still works at glow
    assert booking(client_for(glow), CANCEL, {"token": token}).data["cancel"]["errors"] == []


# --- Rate limits --------------------------------------------------------------------------


def test_requests_past_the_limit_get_429(glow, client_for, settings):
    # given a limit of 3 availability searches per address
    settings.BOOKING_RATES = {**settings.BOOKING_RATES, "availability": "3/d"}
    calendar = a_calendar(glow)
    client = client_for(glow)
    variables = {
        "location": calendar.ids["location"],
        "services": [calendar.ids["service"]],
        "from": DAY.isoformat(),
        "to": DAY.isoformat(),
    }
    # when one address searches four times
    answers = [booking(client, AVAILABILITY, variables) for _ in range(4)]
    # then the fourth is refused with 429, before anything runs
    assert [a.status for a in answers] == [200, 200, 200, 429]
    assert answers[3].body == {
        "errors": [
            {
                "message": "Too many requests from this address. Try again shortly.",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ]
    }
    assert int(answers[3].headers["Retry-After"]) > 0
    # and other kinds of request, and other addresses, have their own counts
    assert booking(client, "{ spa { name } }").status == 200
    other = client_for(glow)
    assert booking(other, AVAILABILITY, variables, REMOTE_ADDR="203.0.113.9").status == 200


def test_aliases_count_one_by_one(glow, client_for, settings):
    settings.BOOKING_RATES = {**settings.BOOKING_RATES, "browse": "3/d"}
    a_calendar(glow)
    client = client_for(glow)
    answer = booking(
        client,
        "{ a: spa { name } b: spa { name } ...More } "
        "fragment More on Query { c: locations { name } d: services { name } }",
    )
    assert answer.status == 429 and answer.error_codes == ["RATE_LIMITED"]


def test_booking_is_limited_per_email_typed(glow, client_for, settings, mailoutbox):
    # given a limit of 2 bookings per email address
    settings.BOOKING_RATE_PER_EMAIL = "2/d"
    calendar = a_calendar(glow)
    # when three bookings are made with one address, from different client addresses
    answers = [
        booking(
            client_for(glow),
            BOOK,
            {"input": book_input(calendar, at(DAY, hour))},
            REMOTE_ADDR=f"203.0.113.{hour}",
        )
        for hour in (10, 12, 14)
    ]
    assert [[e["code"] for e in a.data["book"]["errors"]] for a in answers] == [
        [],
        [],
        ["RATE_LIMITED"],
    ]
    assert len(mailoutbox) == 2
