"""Twilio's callbacks: signed requests only; a text goes to the spa that last
texted the number; STOP (every variant) opts out at once with one
confirmation; YES or C confirms the next appointment; delivery status lands on
its message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from twilio.request_validator import RequestValidator

from core import sms
from shared_apps.sms.models import SmsRoute
from tenant_apps.messaging.consent import consent_refusal
from tenant_apps.messaging.models import (
    Channel,
    Consent,
    Message,
    MessageKind,
    MessageStatus,
    Purpose,
)
from tenant_apps.messaging.sending import message_queue
from tenant_apps.scheduling.models import AppointmentStatus
from tenants.db import connection
from tests.jobs import run_jobs
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.scheduling.factories import AppointmentFactory

PHONE = "+12125550111"


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def signed_post(client, path: str, fields: dict[str, str], *, token: str | None = None):
    url = settings.TWILIO_WEBHOOK_BASE_URL + path
    signature = RequestValidator(token or settings.TWILIO_AUTH_TOKEN).compute_signature(url, fields)
    return client.post(path, data=fields, HTTP_X_TWILIO_SIGNATURE=signature)


def text(platform_client, body: str, *, sid: str = "SM1", sender: str = PHONE):
    return signed_post(
        platform_client,
        "/webhooks/twilio/sms/",
        {"From": sender, "To": settings.TWILIO_FROM_NUMBER, "Body": body, "MessageSid": sid},
    )


def a_patient(spa, **fields):
    connection.set_tenant(spa)
    client = ClientFactory.create(phone=PHONE, region="", country="US", **fields)
    connection.set_schema_to_public()
    SmsRoute.objects.update_or_create(
        phone=PHONE, defaults={"spa": spa, "last_sent_at": timezone.now()}
    )
    return client


def test_unsigned_or_badly_signed_callbacks_are_refused(glow, platform_client):
    a_patient(glow)
    fields = {"From": PHONE, "Body": "STOP", "MessageSid": "SM1"}
    for path in ("/webhooks/twilio/sms/", "/webhooks/twilio/status/?spa=spa_glow&message=1"):
        assert platform_client.post(path, data=fields).status_code == 403
        forged = signed_post(platform_client, path, fields, token="not-the-token")
        assert forged.status_code == 403
    connection.set_tenant(glow)
    assert not Consent.objects.exists()
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "word",
    [
        "STOP",
        "stop",
        "Quit",
        "END",
        "revoke",
        "opt out",
        "Opt-Out",
        "cancel",
        "UNSUBSCRIBE",
        " Stop. ",
    ],
)
def test_stop_and_its_variants_opt_out_of_texts_at_once_with_one_confirmation(
    word, glow, platform_client, sms_outbox
):
    client = a_patient(glow)

    response = text(platform_client, word, sid="SM-stop-1")
    again = text(platform_client, word, sid="SM-stop-2")
    connection.set_tenant(glow)
    run_jobs()

    assert response.status_code == again.status_code == 200
    for purpose in Purpose.values:
        assert consent_refusal(client_id=client.pk, channel=Channel.SMS, purpose=purpose)
    # Email is another channel: untouched.
    assert not consent_refusal(
        client_id=client.pk, channel=Channel.EMAIL, purpose=Purpose.APPOINTMENT
    )
    assert [m["to"] for m in sms_outbox] == [PHONE]
    assert "START" in sms_outbox[0]["body"]
    # A text queued before the STOP is not sent after it.
    later = message_queue(
        key="after-stop", client=client, channel=Channel.SMS, kind=MessageKind.FORM_REQUEST
    )
    assert later is not None
    run_jobs(until=timezone.now() + dt.timedelta(days=2))
    later.refresh_from_db()
    assert (later.status, later.reason) == (MessageStatus.SUPPRESSED, "opted_out")
    assert len(sms_outbox) == 1


def test_a_text_goes_to_the_spa_that_last_texted_the_number(glow, radiance, platform_client):
    glow_client = a_patient(glow)
    radiance_client = a_patient(radiance)  # texted last

    text(platform_client, "STOP")

    connection.set_tenant(glow)
    assert not Consent.objects.filter(client_id=glow_client.pk).exists()
    assert not Message.objects.exists()
    connection.set_tenant(radiance)
    assert Consent.objects.filter(client_id=radiance_client.pk, granted=False).count() == 2
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1


def test_a_text_from_a_number_no_spa_texted_is_not_routed(glow, platform_client):
    response = text(platform_client, "STOP", sender="+12125550000")
    assert response.status_code == 200
    connection.set_tenant(glow)
    assert not Message.objects.exists()


@pytest.mark.parametrize("word", ["YES", "c", "Yes!"])
def test_yes_or_c_confirms_the_next_appointment(word, glow, platform_client, sms_outbox):
    client = a_patient(glow)
    connection.set_tenant(glow)
    soon = timezone.now() + dt.timedelta(days=1)
    first = AppointmentFactory.create(client=client, starts_at=soon)
    second = AppointmentFactory.create(client=client, starts_at=soon + dt.timedelta(days=3))
    connection.set_schema_to_public()

    text(platform_client, word)

    connection.set_tenant(glow)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (AppointmentStatus.CONFIRMED, AppointmentStatus.BOOKED)
    assert Message.objects.filter(kind=MessageKind.REPLY).count() == 1


def test_a_delivery_callback_settles_its_message(glow, platform_client):
    client = a_patient(glow)
    connection.set_tenant(glow)
    message = message_queue(
        key="k", client=client, channel=Channel.SMS, kind=MessageKind.FORM_REQUEST
    )
    assert message is not None
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.UNCONFIRMED)
    connection.set_schema_to_public()

    response = signed_post(
        platform_client,
        f"/webhooks/twilio/status/?spa=spa_glow&message={message.pk}",
        {"MessageSid": "SM42", "MessageStatus": "delivered"},
    )

    assert response.status_code == 204
    connection.set_tenant(glow)
    message.refresh_from_db()
    assert (message.status, message.provider_id) == (MessageStatus.DELIVERED, "SM42")
