"""The rules every message passes at send time: quiet hours in the patient's
zone and state (rescheduled, never dropped), reminder caps, consent per channel
and purpose (STOP, written consent for marketing), SMS length."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tenant_apps.audit.services import Actor
from tenant_apps.messaging import rules
from tenant_apps.messaging.consent import consent_record
from tenant_apps.messaging.models import (
    Channel,
    ConsentSource,
    Message,
    MessageKind,
    MessageStatus,
    MessageTemplate,
    Purpose,
)
from tenant_apps.messaging.sending import message_queue, message_send
from tenants.db import connection
from tests.jobs import queued_jobs
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.scheduling.factories import AppointmentFactory

NY = ZoneInfo("America/New_York")
DESK = Actor(user_id=1, role="front_desk")


def local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NY)


# A week of known weekdays: 2030-01-07 is a Monday.
MONDAY = dt.date(2030, 1, 7)
SATURDAY = MONDAY + dt.timedelta(days=5)
SUNDAY = MONDAY + dt.timedelta(days=6)


@pytest.mark.parametrize(
    ("state", "day", "window"),
    [
        ("", MONDAY, (8, 21)),
        ("NY", SUNDAY, (8, 21)),
        ("FL", MONDAY, (8, 20)),
        ("ok", MONDAY, (8, 20)),
        ("MD", SUNDAY, (8, 20)),
        ("MS", MONDAY, (8, 20)),
        ("NJ", MONDAY, (8, 20)),
        ("CT", MONDAY, (9, 20)),
        ("RI", MONDAY, (9, 18)),
        ("RI", SATURDAY, (10, 17)),
        ("RI", SUNDAY, (10, 17)),
        ("TX", SATURDAY, (9, 21)),
        ("TX", SUNDAY, (12, 21)),
    ],
)
def test_quiet_hours_are_the_stricter_of_federal_and_state(state, day, window):
    assert rules.window_for(state, day.weekday()) == (window[0] * 60, window[1] * 60)


def test_a_time_outside_the_window_moves_to_the_next_opening():
    texas_sunday_morning = local(SUNDAY, 10)
    assert rules.next_allowed(texas_sunday_morning, timezone="America/New_York", state="TX") == (
        local(SUNDAY, 12)
    )
    late = local(MONDAY, 21, 30)
    assert rules.next_allowed(late, timezone="America/New_York", state="") == local(
        MONDAY + dt.timedelta(days=1), 8
    )
    inside = local(MONDAY, 20, 59)
    assert rules.next_allowed(inside, timezone="America/New_York", state="") == inside
    assert rules.next_allowed(inside, timezone="America/New_York", state="FL") == local(
        MONDAY + dt.timedelta(days=1), 8
    )


def queue(
    client,
    channel: str,
    *,
    kind: str = MessageKind.FORM_REQUEST,
    key: str = "",
    purpose: str = Purpose.APPOINTMENT,
    due: dt.datetime | None = None,
) -> Message:
    message = message_queue(
        key=key or f"test:{channel}:{kind}:{Message.objects.count()}",
        client=client,
        channel=channel,
        kind=kind,
        purpose=purpose,
        due_at=due,
    )
    assert message is not None
    return message


def send(message: Message, at: dt.datetime) -> str:
    return message_send(spa_schema=connection.schema_name, message_id=message.pk, at=at.isoformat())


@pytest.mark.spa("glow")
def test_quiet_hours_are_the_patients_own_not_the_spas(sms_outbox):
    # a New York spa, a patient whose address is in California: 9:00 in New
    # York is 6:00 in California, so the text waits for 8:00 there (11:00 NY)
    client = ClientFactory.create(region="CA", country="US")
    message = queue(client, Channel.SMS, due=local(MONDAY, 9))

    assert send(message, local(MONDAY, 9)) == "deferred"

    message.refresh_from_db()
    assert message.due_at == local(MONDAY, 11)
    assert sms_outbox == []


@pytest.mark.spa("glow")
@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL])
def test_quiet_hours_reschedule_a_message_in_every_channel(channel, mailoutbox, sms_outbox):
    client = ClientFactory.create(region="TX", country="US")
    message = queue(client, channel, due=local(SUNDAY, 9))
    jobs_before = len(queued_jobs("messaging.send"))

    assert send(message, local(SUNDAY, 9)) == "deferred"

    # (Texas: Sundays from noon, in Texas: 13:00 in New York, the spa's zone)
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.due_at == local(SUNDAY, 13)
    assert message.deferrals == 1
    later = queued_jobs("messaging.send")[jobs_before:]
    assert [job["scheduled_at"] for job in later] == [local(SUNDAY, 13)]
    assert mailoutbox == [] and sms_outbox == []

    assert send(message, local(SUNDAY, 13)) == "sent"
    assert len(mailoutbox) + len(sms_outbox) == 1


def reminder(client, channel: str, appointment, n: int) -> Message:
    message = message_queue(
        key=f"reminder:test:{channel}:{n}",
        client=client,
        channel=channel,
        kind=MessageKind.REMINDER,
        appointment=appointment,
    )
    assert message is not None
    return message


@pytest.mark.spa("glow")
@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL])
def test_reminders_are_capped_at_one_a_day_and_three_a_week(channel, mailoutbox, sms_outbox):
    client = ClientFactory.create(region="", country="US")
    appointment = AppointmentFactory.create(
        client=client, starts_at=local(MONDAY + dt.timedelta(days=20), 10)
    )
    times = [(0, 10), (0, 15), (1, 10), (2, 10), (3, 10), (9, 10)]

    outcomes = [
        send(
            reminder(client, channel, appointment, n), local(MONDAY + dt.timedelta(days=day), hour)
        )
        for n, (day, hour) in enumerate(times)
    ]

    assert outcomes == ["sent", "cap_day", "sent", "sent", "cap_week", "sent"]
    assert len(mailoutbox) + len(sms_outbox) == 4


@pytest.mark.spa("glow")
def test_a_reminder_for_a_moved_or_cancelled_appointment_is_not_sent(sms_outbox):
    client = ClientFactory.create(region="", country="US")
    appointment = AppointmentFactory.create(
        client=client, starts_at=local(MONDAY + dt.timedelta(days=20), 10)
    )
    first = reminder(client, Channel.SMS, appointment, 1)
    appointment.starts_at += dt.timedelta(hours=2)
    appointment.ends_at += dt.timedelta(hours=2)
    appointment.blocked_from, appointment.blocked_until = appointment.starts_at, appointment.ends_at
    appointment.save()

    assert send(first, local(MONDAY, 12)) == "stale"
    assert sms_outbox == []


@pytest.mark.spa("glow")
@pytest.mark.parametrize("channel", [Channel.SMS, Channel.EMAIL])
def test_an_opt_out_on_one_channel_stops_that_channel_only(channel, mailoutbox, sms_outbox):
    client = ClientFactory.create(region="", country="US")
    consent_record(
        actor=DESK,
        client_id=client.pk,
        channel=channel,
        purpose=Purpose.APPOINTMENT,
        granted=False,
        source=ConsentSource.PHONE,
        text_shown="asked by phone",
    )
    stopped = queue(client, channel)
    other = queue(client, Channel.EMAIL if channel == Channel.SMS else Channel.SMS)

    assert send(stopped, local(MONDAY, 12)) == "opted_out"
    assert send(other, local(MONDAY, 12)) == "sent"
    assert len(mailoutbox) + len(sms_outbox) == 1


@pytest.mark.spa("glow")
def test_marketing_needs_written_consent(sms_outbox):
    client = ClientFactory.create(region="", country="US")

    def attempt() -> str:
        return send(
            queue(client, Channel.SMS, kind=MessageKind.MARKETING, purpose=Purpose.MARKETING),
            local(MONDAY, 12),
        )

    assert attempt() == "no_consent"
    consent_record(
        actor=DESK,
        client_id=client.pk,
        channel=Channel.SMS,
        purpose=Purpose.MARKETING,
        granted=True,
        source=ConsentSource.PHONE,
        text_shown="Yes to offers by text (said on the phone)",
    )
    assert attempt() == "not_written"
    consent_record(
        actor=DESK,
        client_id=client.pk,
        channel=Channel.SMS,
        purpose=Purpose.MARKETING,
        granted=True,
        source=ConsentSource.WEB_FORM,
        text_shown="I agree to receive offers by text from Glow.",
    )
    assert attempt() == "sent"
    assert len(sms_outbox) == 1


@pytest.mark.spa("glow")
def test_a_message_run_twice_is_sent_once(sms_outbox):
    client = ClientFactory.create(region="", country="US")
    message = queue(client, Channel.SMS)

    assert send(message, local(MONDAY, 12)) == "sent"
    assert send(message, local(MONDAY, 12)) == "done"
    assert (
        message_queue(
            key=message.dedupe_key,
            client=client,
            channel=Channel.SMS,
            kind=MessageKind.FORM_REQUEST,
        )
        is None
    )
    assert len(sms_outbox) == 1


@pytest.mark.spa("glow")
def test_an_sms_reminder_of_160_characters_or_more_is_not_sent(sms_outbox):
    MessageTemplate.objects.create(
        kind=MessageKind.REMINDER, channel=Channel.SMS, body="{{ spa_name }} " + "x" * 144
    )
    client = ClientFactory.create(region="", country="US")
    appointment = AppointmentFactory.create(
        client=client, starts_at=local(MONDAY + dt.timedelta(days=20), 10)
    )
    message = reminder(client, Channel.SMS, appointment, 1)

    assert send(message, local(MONDAY, 12)) == "too_long"
    message.refresh_from_db()
    assert (message.status, message.reason) == (MessageStatus.FAILED, "too_long")
    assert sms_outbox == []


@pytest.mark.spa("glow")
def test_a_cancellation_notice_for_a_visit_already_past_is_not_sent(sms_outbox):
    client = ClientFactory.create(region="", country="US")
    appointment = AppointmentFactory.create(
        client=client, starts_at=local(MONDAY, 10), status="cancelled"
    )
    message = message_queue(
        key="cancellation:test",
        client=client,
        channel=Channel.SMS,
        kind=MessageKind.CANCELLATION,
        appointment=appointment,
    )
    assert message is not None

    assert send(message, local(MONDAY, 12)) == "stale"
    assert (
        send(
            message_queue(
                key="cancellation:test2",
                client=client,
                channel=Channel.SMS,
                kind=MessageKind.CANCELLATION,
                appointment=appointment,
            ),
            local(MONDAY, 9),
        )
        == "sent"
    )
    assert len(sms_outbox) == 1
