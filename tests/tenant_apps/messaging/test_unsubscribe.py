"""Email opt-out by the patient: every patient email carries a one-click
unsubscribe link (RFC 8058 headers and a link in the text) to the spa's host;
GET asks, POST records the consent withdrawn (source "unsubscribe link"); the
link of one spa means nothing on another spa's host."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.utils import timezone

from tenant_apps.audit.models import AuditEntry
from tenant_apps.clients.models import Client
from tenant_apps.messaging.consent import consent_refusal
from tenant_apps.messaging.models import (
    Channel,
    Consent,
    ConsentSource,
    Message,
    MessageKind,
    MessageStatus,
    Purpose,
)
from tenant_apps.messaging.sending import message_queue, message_send
from tenant_apps.messaging.unsubscribe import unsubscribe_url
from tenants.db import connection
from tests.conftest import host_of
from tests.tenant_apps.clients.factories import ClientFactory

EMAIL = "pat@patient.example"


def business_hours(spa) -> dt.datetime:
    tomorrow = timezone.now().date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(12), tzinfo=ZoneInfo(spa.timezone))


def an_email_sent(spa, client, *, key: str, purpose: str = Purpose.APPOINTMENT) -> Message:
    message = message_queue(
        key=key,
        client=client,
        channel=Channel.EMAIL,
        kind=MessageKind.FORM_REQUEST,
        purpose=purpose,
    )
    assert message is not None
    message_send(
        spa_schema=spa.schema_name, message_id=message.pk, at=business_hours(spa).isoformat()
    )
    message.refresh_from_db()
    return message


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_every_patient_email_carries_a_one_click_unsubscribe_link(glow, client_for, mailoutbox):
    connection.set_tenant(glow)
    client = ClientFactory.create(email=EMAIL, region="", country="US")
    message = an_email_sent(glow, client, key="first")
    assert message.status == MessageStatus.SENT

    [email] = mailoutbox
    header = email.extra_headers["List-Unsubscribe"]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in email.body
    # On the spa's host; an opaque token, no address or name in it.
    assert urlsplit(url).hostname == host_of(glow.slug)
    assert EMAIL not in url and "pat" not in url.lower()
    assert client.first_name.lower() not in url.lower()

    # A mail client's one-click POST (RFC 8058).
    connection.set_schema_to_public()
    response = client_for(glow).post(path_of(url), data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    connection.set_tenant(glow)
    [consent] = Consent.objects.filter(client=client)
    assert (consent.channel, consent.purpose, consent.granted, consent.source) == (
        Channel.EMAIL,
        Purpose.APPOINTMENT,
        False,
        ConsentSource.UNSUBSCRIBE_LINK,
    )
    assert AuditEntry.objects.filter(
        actor_role="system:unsubscribe", client_ids__contains=[client.pk]
    ).exists()
    # The next email is not sent; texts are another channel.
    later = an_email_sent(glow, client, key="second")
    assert (later.status, later.reason) == (MessageStatus.SUPPRESSED, "opted_out")
    assert len(mailoutbox) == 1
    assert not consent_refusal(
        client_id=client.pk, channel=Channel.SMS, purpose=Purpose.APPOINTMENT
    )


def test_the_link_asks_on_get_and_opts_out_on_post_once(glow, client_for):
    connection.set_tenant(glow)
    client = ClientFactory.create(email=EMAIL)
    url = unsubscribe_url(spa=glow, client_id=client.pk, purpose=Purpose.MARKETING)
    connection.set_schema_to_public()
    browser = client_for(glow)

    page = browser.get(path_of(url))

    assert page.status_code == 200
    assert b"Stop marketing emails?" in page.content
    assert page["Referrer-Policy"] == "no-referrer"
    connection.set_tenant(glow)
    assert not Consent.objects.exists()  # a link scanner's GET changes nothing

    connection.set_schema_to_public()
    assert browser.post(path_of(url)).status_code == 200
    assert browser.post(path_of(url)).status_code == 200

    connection.set_tenant(glow)
    [consent] = Consent.objects.all()
    assert (consent.channel, consent.purpose, consent.source, consent.granted) == (
        Channel.EMAIL,
        Purpose.MARKETING,
        ConsentSource.UNSUBSCRIBE_LINK,
        False,
    )
    assert consent.text_shown == "Stop marketing emails?"


def test_a_link_of_one_spa_means_nothing_on_another_spas_host(glow, radiance, client_for):
    # Both spas have a client with the same id: the token must not travel.
    connection.set_tenant(glow)
    glow_client = ClientFactory.create(email=EMAIL)
    url = unsubscribe_url(spa=glow, client_id=glow_client.pk, purpose=Purpose.APPOINTMENT)
    connection.set_tenant(radiance)
    if not Client.objects.filter(pk=glow_client.pk).exists():
        ClientFactory.create(pk=glow_client.pk, email=EMAIL)
    connection.set_schema_to_public()

    for method in ("get", "post"):
        response = getattr(client_for(radiance), method)(path_of(url))
        assert response.status_code == 404
        assert b"not valid" in response.content

    for spa in (glow, radiance):
        connection.set_tenant(spa)
        assert not Consent.objects.exists()


def test_a_broken_or_missing_token_is_refused_without_an_error(glow, client_for):
    connection.set_tenant(glow)
    client = ClientFactory.create(email=EMAIL)
    url = unsubscribe_url(spa=glow, client_id=client.pk, purpose=Purpose.APPOINTMENT)
    connection.set_schema_to_public()
    browser = client_for(glow)

    for path in ("/unsubscribe", "/unsubscribe?token=", path_of(url)[:-3] + "xyz"):
        assert browser.post(path).status_code == 404

    connection.set_tenant(glow)
    assert not Consent.objects.exists()
