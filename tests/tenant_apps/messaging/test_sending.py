"""Sending one message: a patient never gets it twice and it is never left
"sending". A request that surely did not reach the provider is queued again and
retried; one that went unanswered is unconfirmed, never sent again; a permanent
refusal fails with its reason; a status set by a fast delivery callback stands."""

from __future__ import annotations

import datetime as dt
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from django.core.mail.backends.locmem import EmailBackend

from core import sms
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.messaging.models import Channel, Message, MessageKind, MessageStatus
from tenant_apps.messaging.sending import message_queue, message_send
from tenants.db import connection
from tests.jobs import queued_jobs
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.scheduling.factories import AppointmentFactory

NY = ZoneInfo("America/New_York")
NOON = dt.datetime(2030, 1, 7, 12, tzinfo=NY)  # a Monday


@pytest.fixture(autouse=True)
def no_failures():
    sms.failures.clear()
    yield
    sms.failures.clear()


def queue(
    client,
    channel: str = Channel.SMS,
    *,
    key: str = "test:1",
    to: str = "",
    due: dt.datetime | None = None,
) -> Message:
    message = message_queue(
        key=key,
        client=client,
        channel=channel,
        kind=MessageKind.FORM_REQUEST,
        to_address=to,
        due_at=due,
    )
    assert message is not None
    return message


def send(message: Message, at: dt.datetime = NOON) -> str:
    return message_send(spa_schema=connection.schema_name, message_id=message.pk, at=at.isoformat())


@pytest.mark.spa("glow")
def test_a_text_unanswered_after_it_went_is_unconfirmed_and_never_sent_again(sms_outbox):
    message = queue(ClientFactory.create(region="", country="US"))
    sms.failures.append(requests.exceptions.ReadTimeout())

    assert send(message) == "unconfirmed"

    message.refresh_from_db()
    assert (message.status, message.reason) == (MessageStatus.UNCONFIRMED, "no_answer")
    assert send(message) == "done"
    assert sms_outbox == []


@pytest.mark.spa("glow")
def test_a_text_that_surely_did_not_go_is_queued_again_and_sent_by_the_retry(sms_outbox):
    message = queue(ClientFactory.create(region="", country="US"))
    sms.failures.append(requests.exceptions.ConnectTimeout())

    with pytest.raises(sms.SmsNotSent):
        send(message)

    message.refresh_from_db()
    assert (message.status, message.reason) == (MessageStatus.QUEUED, "unreachable")
    assert send(message) == "sent"
    assert len(sms_outbox) == 1


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("+15005550004", "opted_out"),
        ("+15005550001", "invalid_number"),
        ("+15005550009", "not_mobile"),
    ],
)
def test_a_text_twilio_refuses_for_good_fails_with_the_reason_and_no_retry(
    number, reason, sms_outbox
):
    message = queue(ClientFactory.create(region="", country="US"), to=number)

    assert send(message) == reason

    message.refresh_from_db()
    assert (message.status, message.reason) == (MessageStatus.FAILED, reason)
    assert send(message) == "done"
    assert sms_outbox == []


@pytest.mark.spa("glow")
def test_an_email_to_an_invalid_address_fails_and_is_not_left_sending(settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    message = queue(
        ClientFactory.create(region="", country="US"), Channel.EMAIL, to="not an address"
    )

    assert send(message) == "invalid_address"

    message.refresh_from_db()
    assert (message.status, message.reason) == (MessageStatus.FAILED, "invalid_address")


def reminder(client, appointment, n: int) -> Message:
    message = message_queue(
        key=f"reminder:test:{n}",
        client=client,
        channel=Channel.SMS,
        kind=MessageKind.REMINDER,
        appointment=appointment,
    )
    assert message is not None
    return message


@pytest.mark.spa("glow")
def test_a_reminder_that_may_have_gone_counts_towards_the_caps(sms_outbox):
    client = ClientFactory.create(region="", country="US")
    appointment = AppointmentFactory.create(client=client, starts_at=NOON + dt.timedelta(days=20))
    first, second = reminder(client, appointment, 1), reminder(client, appointment, 2)
    sms.failures.append(requests.exceptions.ReadTimeout())

    assert send(first) == "unconfirmed"
    assert send(second, NOON + dt.timedelta(hours=2)) == "cap_day"
    assert sms_outbox == []


def _commit_once_waited_on(other, pid: int, waited: list[bool]) -> None:
    """Commit `other`'s transaction as soon as backend `pid` waits for one of its
    locks (the deadline only bounds a test that fails)."""
    deadline = time.monotonic() + 10
    with other.cursor() as cursor:
        while time.monotonic() < deadline and not waited:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                waited.append(True)
            time.sleep(0.02)
    other.commit()


def test_two_reminders_for_one_patient_at_once_pass_the_caps_one_at_a_time(committing):
    """Another job has locked the patient and marked its reminder "sending" but
    not committed: this one waits for it, then sees it, and is capped."""
    spa = spa_provision(
        slug="caps-race", name="Caps Race", timezone_name="UTC", owner_email="o@caps-race.example"
    )
    connection.set_tenant(spa)
    try:
        client = ClientFactory.create(region="", country="US")
        appointment = AppointmentFactory.create(
            client=client, starts_at=NOON + dt.timedelta(days=20)
        )
        first, second = reminder(client, appointment, 1), reminder(client, appointment, 2)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (our_pid,) = cursor.fetchone()
        other = connection.get_new_connection(connection.get_connection_params())
        waited: list[bool] = []
        try:
            with other.cursor() as cursor:
                cursor.execute(f'SET search_path TO "{spa.schema_name}"')
                cursor.execute(
                    "SELECT id FROM clients_client WHERE id = %s FOR UPDATE", [client.pk]
                )
                cursor.execute(
                    "UPDATE messaging_message SET status = 'sending', sent_at = %s WHERE id = %s",
                    [NOON, first.pk],
                )
            committer = threading.Thread(
                target=_commit_once_waited_on, args=(other, our_pid, waited)
            )
            committer.start()

            outcome = send(second, NOON + dt.timedelta(minutes=1))

            committer.join()
        finally:
            other.close()
        assert waited == [True]
        assert outcome == "cap_day"
        assert sms.outbox == []
    finally:
        connection.set_schema_to_public()
        sms.outbox.clear()


class DeliveredAtOnce(EmailBackend):
    """Takes the email, and the provider's "delivered" callback is handled (and
    committed) before the sending job hears back."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        for email in messages:
            Message.objects.filter(to_address__in=email.to, status=MessageStatus.SENDING).update(
                status=MessageStatus.DELIVERED, provider_id="from-callback"
            )
        return sent


@pytest.mark.spa("glow")
def test_a_delivery_callback_faster_than_the_job_keeps_its_status(settings, mailoutbox):
    settings.EMAIL_BACKEND = f"{__name__}.DeliveredAtOnce"
    message = queue(ClientFactory.create(region="", country="US"), Channel.EMAIL)

    assert send(message) == "sent"

    message.refresh_from_db()
    assert (message.status, message.provider_id) == (MessageStatus.DELIVERED, "from-callback")
    assert len(mailoutbox) == 1


@pytest.mark.spa("glow")
def test_a_job_run_before_its_message_is_due_runs_again_when_it_is(sms_outbox):
    due = NOON + dt.timedelta(minutes=5)
    message = queue(ClientFactory.create(region="", country="US"), due=due)
    jobs_before = len(queued_jobs("messaging.send"))

    assert send(message, NOON) == "early"

    again = queued_jobs("messaging.send")[jobs_before:]
    assert [(job["args"]["message_id"], job["scheduled_at"]) for job in again] == [
        (message.pk, due)
    ]
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert send(message, due) == "sent"
    assert len(sms_outbox) == 1
