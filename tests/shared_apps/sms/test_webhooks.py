"""Twilio's callbacks: signed requests only; STOP (every variant) opts out at
once in every spa that texted the number, with one confirmation; START undoes
it; YES or C confirms the visit of the latest reminder when one spa alone
texted the number lately; other texts go to the spa that texted last; delivery
status lands on its message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone
from twilio.request_validator import RequestValidator

from core import sms
from shared_apps.sms.services import sms_route_record
from tenant_apps.audit.services import Actor
from tenant_apps.messaging.consent import consent_record, consent_refusal
from tenant_apps.messaging.inbound import ASK_TO_CALL
from tenant_apps.messaging.models import (
    Channel,
    Consent,
    ConsentSource,
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


def a_patient(spa, *, texted_at=None, **fields):
    connection.set_tenant(spa)
    client = ClientFactory.create(phone=PHONE, region="", country="US", **fields)
    connection.set_schema_to_public()
    sms_route_record(phone=PHONE, spa_id=spa.pk, at=texted_at or timezone.now())
    return client


def a_reminder_texted(appointment, *, due_at, status=MessageStatus.SENT):
    return Message.objects.create(
        client=appointment.client,
        appointment=appointment,
        channel=Channel.SMS,
        purpose=Purpose.APPOINTMENT,
        kind=MessageKind.REMINDER,
        dedupe_key=f"reminder:{appointment.pk}:{due_at.isoformat()}",
        for_starts_at=appointment.starts_at,
        to_address=PHONE,
        status=status,
        due_at=due_at,
        sent_at=due_at if status == MessageStatus.SENT else None,
    )


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


def test_stop_opts_out_in_every_spa_that_texted_the_number_with_one_confirmation(
    glow, radiance, platform_client, sms_outbox
):
    # Glow texted the patient; Radiance texted them since: the STOP may answer
    # either, so it stops both.
    glow_client = a_patient(glow, texted_at=timezone.now() - dt.timedelta(days=30))
    radiance_client = a_patient(radiance)

    text(platform_client, "STOP", sid="SM-stop-1")
    text(platform_client, "STOP", sid="SM-stop-1")  # Twilio's retry of the same text
    for spa in (glow, radiance):
        connection.set_tenant(spa)
        run_jobs()

    for spa, client in ((glow, glow_client), (radiance, radiance_client)):
        connection.set_tenant(spa)
        for purpose in Purpose.values:
            assert consent_refusal(client_id=client.pk, channel=Channel.SMS, purpose=purpose)
        assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1
    # One confirmation, from the spa that texted last.
    assert len(sms_outbox) == 1
    assert sms_outbox[0]["body"].startswith(radiance.name[:24])
    connection.set_tenant(glow)
    assert not Message.objects.filter(kind=MessageKind.OPT_OUT_CONFIRMATION).exists()


def test_start_opts_back_in_wherever_stop_opted_out(glow, radiance, platform_client):
    glow_client = a_patient(glow)
    radiance_client = a_patient(radiance)
    text(platform_client, "STOP", sid="SM-stop")
    # At Glow the patient also asked at the desk to get no texts: that stands.
    connection.set_tenant(glow)
    consent_record(
        actor=Actor.system("test"),
        client_id=glow_client.pk,
        channel=Channel.SMS,
        purpose=Purpose.APPOINTMENT,
        granted=False,
        source=ConsentSource.IN_PERSON,
        text_shown="No texts, please.",
    )
    connection.set_schema_to_public()

    text(platform_client, "START", sid="SM-start")

    connection.set_tenant(radiance)
    assert not consent_refusal(
        client_id=radiance_client.pk, channel=Channel.SMS, purpose=Purpose.APPOINTMENT
    )
    connection.set_tenant(glow)
    assert consent_refusal(
        client_id=glow_client.pk, channel=Channel.SMS, purpose=Purpose.APPOINTMENT
    )


def test_another_text_goes_to_the_spa_that_texted_last(glow, radiance, platform_client):
    a_patient(glow, texted_at=timezone.now() - dt.timedelta(hours=2))
    a_patient(radiance, texted_at=timezone.now() - dt.timedelta(hours=1))

    text(platform_client, "Running 5 min late")

    connection.set_tenant(glow)
    assert not Message.objects.exists()
    connection.set_tenant(radiance)
    assert Message.objects.filter(kind=MessageKind.INBOUND).count() == 1


def test_a_text_from_a_number_no_spa_texted_is_not_routed(glow, platform_client):
    response = text(platform_client, "STOP", sender="+12125550000")
    assert response.status_code == 200
    connection.set_tenant(glow)
    assert not Message.objects.exists()


@pytest.mark.parametrize("word", ["YES", "c", "Yes!"])
def test_yes_or_c_confirms_the_visit_of_the_latest_reminder(
    word, glow, radiance, platform_client, sms_outbox
):
    # Radiance texted the number weeks ago: only Glow texted it this week.
    a_patient(radiance, texted_at=timezone.now() - dt.timedelta(days=20))
    client = a_patient(glow)
    connection.set_tenant(glow)
    now = timezone.now()
    earlier = AppointmentFactory.create(client=client, starts_at=now + dt.timedelta(days=1))
    later = AppointmentFactory.create(client=client, starts_at=now + dt.timedelta(days=4))
    a_reminder_texted(earlier, due_at=now - dt.timedelta(days=2))
    a_reminder_texted(later, due_at=now - dt.timedelta(hours=1), status=MessageStatus.SENDING)
    connection.set_schema_to_public()

    text(platform_client, word)

    connection.set_tenant(glow)
    earlier.refresh_from_db()
    later.refresh_from_db()
    assert (earlier.status, later.status) == (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
    assert Message.objects.filter(kind=MessageKind.REPLY).count() == 1
    connection.set_tenant(radiance)
    assert not Message.objects.exists()


def test_yes_with_no_reminder_texted_confirms_nothing(glow, platform_client):
    client = a_patient(glow)
    connection.set_tenant(glow)
    appointment = AppointmentFactory.create(
        client=client, starts_at=timezone.now() + dt.timedelta(days=1)
    )
    connection.set_schema_to_public()

    text(platform_client, "YES")

    connection.set_tenant(glow)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED
    assert not Message.objects.filter(kind=MessageKind.REPLY).exists()


def test_yes_to_two_spas_this_week_confirms_nothing_and_asks_to_call(
    glow, radiance, platform_client, sms_outbox
):
    glow_client = a_patient(glow, texted_at=timezone.now() - dt.timedelta(days=3))
    radiance_client = a_patient(radiance, texted_at=timezone.now() - dt.timedelta(days=1))
    visits = []
    for spa, client in ((glow, glow_client), (radiance, radiance_client)):
        connection.set_tenant(spa)
        visit = AppointmentFactory.create(
            client=client, starts_at=timezone.now() + dt.timedelta(days=1)
        )
        a_reminder_texted(visit, due_at=timezone.now() - dt.timedelta(hours=1))
        visits.append((spa, visit))
    connection.set_schema_to_public()

    text(platform_client, "YES")

    for spa, visit in visits:
        connection.set_tenant(spa)
        visit.refresh_from_db()
        assert visit.status == AppointmentStatus.BOOKED
    connection.set_tenant(radiance)
    run_jobs()
    assert [m["body"] for m in sms_outbox] == [ASK_TO_CALL]
    connection.set_tenant(glow)
    assert not Message.objects.filter(kind=MessageKind.INBOUND).exists()


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


@pytest.mark.parametrize(
    ("before", "callback", "after"),
    [
        (MessageStatus.DELIVERED, "sent", MessageStatus.DELIVERED),  # a late "sent"
        (MessageStatus.FAILED, "delivered", MessageStatus.FAILED),  # final stays final
        (MessageStatus.SENT, "delivered", MessageStatus.DELIVERED),
        (MessageStatus.QUEUED, "delivered", MessageStatus.QUEUED),  # never handed over
        (MessageStatus.SUPPRESSED, "failed", MessageStatus.SUPPRESSED),
    ],
)
def test_a_delivery_callback_only_moves_a_message_forward(
    glow, platform_client, before, callback, after
):
    client = a_patient(glow)
    connection.set_tenant(glow)
    message = message_queue(
        key="k", client=client, channel=Channel.SMS, kind=MessageKind.FORM_REQUEST
    )
    assert message is not None
    Message.objects.filter(pk=message.pk).update(status=before)
    connection.set_schema_to_public()

    response = signed_post(
        platform_client,
        f"/webhooks/twilio/status/?spa=spa_glow&message={message.pk}",
        {"MessageSid": "SM43", "MessageStatus": callback},
    )

    assert response.status_code == 204
    connection.set_tenant(glow)
    message.refresh_from_db()
    assert message.status == after
