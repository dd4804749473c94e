"""Sending one message: a patient never gets it twice and it is never left
"sending". A request that surely did not reach the provider is queued again and
retried; one that went unanswered is unconfirmed, never sent again; a permanent
refusal fails with its reason; a status set by a fast delivery callback stands."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import requests

from core import sms
from tenant_apps.messaging.models import Channel, Message, MessageKind, MessageStatus
from tenant_apps.messaging.sending import message_queue, message_send
from tenants.db import connection
from tests.tenant_apps.clients.factories import ClientFactory

NY = ZoneInfo("America/New_York")
NOON = dt.datetime(2030, 1, 7, 12, tzinfo=NY)  # a Monday


@pytest.fixture(autouse=True)
def no_failures():
    sms.failures.clear()
    yield
    sms.failures.clear()


def queue(client, channel: str = Channel.SMS, *, key: str = "test:1", to: str = "") -> Message:
    message = message_queue(
        key=key, client=client, channel=channel, kind=MessageKind.FORM_REQUEST, to_address=to
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
