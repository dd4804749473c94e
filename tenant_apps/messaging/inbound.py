"""Texts from patients, routed here by the platform's number
(shared_apps/sms/views.py): STOP and its variants opt the number out of every
text at once, with one confirmation; START opts back in; YES or C confirms the
patient's next appointment. Every text received is logged."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.messaging.consent import consent_record, consent_refusal
from tenant_apps.messaging.models import (
    Channel,
    ConsentSource,
    Direction,
    Message,
    MessageKind,
    MessageStatus,
    Purpose,
)
from tenant_apps.messaging.sending import message_queue
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services.changes import appointment_set_status

STOP_WORDS = frozenset(
    {"stop", "stopall", "quit", "end", "revoke", "opt out", "optout", "cancel", "unsubscribe"}
)
START_WORDS = frozenset({"start", "unstop", "subscribe"})
CONFIRM_WORDS = frozenset({"yes", "y", "c", "confirm"})
SYSTEM = Actor.system("sms")


def keyword(body: str) -> str:
    """The body as a keyword: lowercased, punctuation and extra spaces dropped."""
    return " ".join(re.sub(r"[^a-z ]", " ", body.lower()).split())


def sms_received(
    *, from_phone: str, body: str, provider_id: str, now: dt.datetime | None = None
) -> str:
    """Handle one text from `from_phone`; what it was taken for."""
    now = now or timezone.now()
    clients = list(Client.objects.filter(phone=from_phone, archived_at__isnull=True))
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
        dedupe_key=f"inbound:{provider_id}"[:200],
        to_address=from_phone,
        body=body[:1600],
        status=MessageStatus.RECEIVED,
        due_at=now,
        sent_at=now,
        provider_id=provider_id[:64],
    )
    if word in STOP_WORDS:
        # One confirmation: a number already opted out is not answered again.
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
        if first is not None and not already:
            message_queue(
                key=f"opt_out:{provider_id}",
                client=first,
                channel=Channel.SMS,
                kind=MessageKind.OPT_OUT_CONFIRMATION,
                to_address=from_phone,
            )
        return "stop"
    if word in START_WORDS:
        for client in clients:
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
        appointment = (
            Appointment.objects.filter(
                client__in=clients, status=AppointmentStatus.BOOKED, starts_at__gt=now
            )
            .order_by("starts_at")
            .first()
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
    return "logged"
