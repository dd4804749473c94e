"""Texts from patients, handled in one spa's schema; which spas a text reaches
is decided by the platform's number (shared_apps/sms/views.py): STOP and START
reach every spa that texted the number, YES only a spa that alone texted it
lately, anything else the spa that texted it last. STOP and its variants opt
the number out of every text at once (one confirmation, from one spa); START
opts back in where STOP opted out; YES or C confirms the appointment of the
latest reminder texted to the number. Every text received is logged."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.messaging.consent import consent_latest, consent_record, consent_refusal
from tenant_apps.messaging.models import (
    Channel,
    ConsentSource,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    Purpose,
)
from tenant_apps.messaging.sending import SENT_STATUSES, message_queue
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services.changes import appointment_set_status

STOP_WORDS = frozenset(
    {"stop", "stopall", "quit", "end", "revoke", "opt out", "optout", "cancel", "unsubscribe"}
)
START_WORDS = frozenset({"start", "unstop", "subscribe"})
CONFIRM_WORDS = frozenset({"yes", "y", "c", "confirm"})
SYSTEM = Actor.system("sms")
# The answer to a YES that cannot be tied to one spa's visit (no spa names:
# the patient may be a client of several).
ASK_TO_CALL = "We could not tell which visit to confirm. Please call your spa to confirm it."


def keyword(body: str) -> str:
    """The body as a keyword: lowercased, punctuation and extra spaces dropped."""
    return " ".join(re.sub(r"[^a-z ]", " ", body.lower()).split())


def _clients(phone: str) -> list[Client]:
    return list(Client.objects.filter(phone=phone, archived_at__isnull=True).order_by("pk"))


def sms_received(
    *,
    from_phone: str,
    body: str,
    provider_id: str,
    may_confirm: bool = True,
    now: dt.datetime | None = None,
) -> str:
    """Handle one text from `from_phone` in this spa; what it was taken for.
    `may_confirm`: whether a YES may confirm a visit here (false when the
    number cannot be tied to this spa alone: the patient is asked to call).
    A STOP is not answered here: the caller answers once, from one spa
    (`sms_opt_out_confirm`). A text seen before (Twilio retries) is ignored."""
    now = now or timezone.now()
    key = f"inbound:{provider_id}"[:200]
    if Message.objects.filter(dedupe_key=key).exists():
        return "duplicate"
    clients = _clients(from_phone)
    word = keyword(body)
    first = clients[0] if clients else None
    if clients:
        audit_record(actor=SYSTEM, action=AuditAction.UPDATE, client_ids=[c.pk for c in clients])
    Message.objects.create(
        client=first,
        direction=Direction.INBOUND,
        channel=Channel.SMS,
        purpose=Purpose.APPOINTMENT,
        kind=MessageKind.INBOUND,
        dedupe_key=key,
        to_address=from_phone,
        body=body[:1600],
        status=MessageStatus.RECEIVED,
        due_at=now,
        sent_at=now,
        provider_id=provider_id[:64],
    )
    if word in STOP_WORDS:
        # "stop_again" when every client here was opted out already: no
        # second confirmation for it.
        already = all(
            consent_refusal(client_id=c.pk, channel=Channel.SMS, purpose=Purpose.APPOINTMENT)
            for c in clients
        )
        for client in clients:
            for purpose in Purpose.values:
                consent_record(
                    actor=SYSTEM,
                    client_id=client.pk,
                    channel=Channel.SMS,
                    purpose=purpose,
                    granted=False,
                    source=ConsentSource.SMS_REPLY,
                    text_shown=word.upper(),
                    now=now,
                )
        return "stop_again" if already else "stop"
    if word in START_WORDS:
        for client in clients:
            latest = consent_latest(
                client_id=client.pk, channel=Channel.SMS, purpose=Purpose.APPOINTMENT
            )
            # Only a STOP is undone by START: an opt-out the spa recorded
            # otherwise (in person, on paper) stands.
            if latest is None or latest.granted or latest.source != ConsentSource.SMS_REPLY:
                continue
            consent_record(
                actor=SYSTEM,
                client_id=client.pk,
                channel=Channel.SMS,
                purpose=Purpose.APPOINTMENT,
                granted=True,
                source=ConsentSource.SMS_REPLY,
                text_shown=word.upper(),
                now=now,
            )
        return "start"
    if word in CONFIRM_WORDS and clients:
        if not may_confirm:
            message_queue(
                key=f"reply:{provider_id}",
                client=first,
                channel=Channel.SMS,
                kind=MessageKind.REPLY,
                to_address=from_phone,
                body=ASK_TO_CALL,
            )
            return "ask_to_call"
        return _confirm(clients=clients, from_phone=from_phone, provider_id=provider_id, now=now)
    return "logged"


def _confirm(*, clients: list[Client], from_phone: str, provider_id: str, now: dt.datetime) -> str:
    # The visit the patient is answering: that of the latest reminder texted to
    # this number (not their earliest booking, which may be another visit).
    reminder = (
        Message.objects.filter(
            client__in=clients,
            channel=Channel.SMS,
            kind=MessageKind.REMINDER,
            to_address=from_phone,
            status__in=SENT_STATUSES,
            appointment__isnull=False,
        )
        .order_by("-due_at", "-id")
        .values_list("appointment_id", flat=True)
        .first()
    )
    appointment = (
        Appointment.objects.filter(pk=reminder, status=AppointmentStatus.BOOKED, starts_at__gt=now)
        .select_related("client")
        .first()
        if reminder is not None
        else None
    )
    if appointment is None:
        return "nothing_to_confirm"
    appointment_set_status(
        actor=SYSTEM,
        appointment_id=appointment.pk,
        status=AppointmentStatus.CONFIRMED,
        now=now,
    )
    message_queue(
        key=f"reply:{provider_id}",
        client=appointment.client,
        channel=Channel.SMS,
        kind=MessageKind.REPLY,
        to_address=from_phone,
    )
    return "confirmed"


def sms_opt_out_confirm(*, from_phone: str, provider_id: str) -> None:
    """The one answer to a STOP (from the spa that texted the number last)."""
    clients = _clients(from_phone)
    if clients:
        message_queue(
            key=f"opt_out:{provider_id}",
            client=clients[0],
            channel=Channel.SMS,
            kind=MessageKind.OPT_OUT_CONFIRMATION,
            to_address=from_phone,
        )
