"""Whether a patient may be messaged on a channel for a purpose, and recording
their decisions. The latest decision for (client, channel, purpose) is in force."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.messaging.models import Consent, ConsentSource, Purpose


def consent_latest(*, client_id: int, channel: str, purpose: str) -> Consent | None:
    return (
        Consent.objects.filter(client_id=client_id, channel=channel, purpose=purpose)
        .order_by("-recorded_at", "-id")
        .first()
    )


def consent_refusal(*, client_id: int, channel: str, purpose: str) -> str:
    """Why the patient may not be messaged so ("" if they may): appointment
    messages go unless they opted out; marketing needs a written opt-in."""
    latest = consent_latest(client_id=client_id, channel=channel, purpose=purpose)
    if purpose == Purpose.APPOINTMENT:
        return "opted_out" if latest is not None and not latest.granted else ""
    if latest is None or not latest.granted:
        return "no_consent"
    return "" if latest.written else "not_written"


def consent_record(
    *,
    actor: Actor,
    client_id: int,
    channel: str,
    purpose: str,
    granted: bool,
    source: str,
    text_shown: str,
    now: dt.datetime | None = None,
) -> Consent:
    """Record a decision as given (audited: it changes the patient's record)."""
    audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client_id])
    return Consent.objects.create(
        client_id=client_id,
        channel=channel,
        purpose=purpose,
        granted=granted,
        source=source,
        text_shown=text_shown,
        recorded_at=now or timezone.now(),
        recorded_by_user_id=actor.user_id,
    )


__all__ = ["ConsentSource", "consent_latest", "consent_record", "consent_refusal"]
