"""Messaging's reads."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tenant_apps.messaging.consent import consent_latest, consent_refusal
from tenant_apps.messaging.models import (
    Channel,
    Consent,
    Message,
    MessageTemplate,
    MessagingSettings,
    Purpose,
    WaitlistEntry,
)
from tenant_apps.messaging.templates import DEFAULTS, EDITABLE_KINDS


def messaging_settings() -> MessagingSettings:
    return MessagingSettings.objects.get(pk=MessagingSettings.SINGLETON_ID)


def message_template_list() -> list[dict[str, Any]]:
    own = {(t.kind, t.channel): t for t in MessageTemplate.objects.all()}
    found = []
    for kind in EDITABLE_KINDS:
        for channel in Channel.values:
            template = own.get((kind, channel))
            default = DEFAULTS[(kind, channel)]
            found.append(
                {
                    "kind": kind,
                    "channel": channel,
                    "subject": template.subject if template else default.subject,
                    "body": template.body if template else default.body,
                    "is_default": template is None,
                }
            )
    return found


def client_consents(*, client_id: int) -> dict[str, Any]:
    states = []
    for channel in Channel.values:
        for purpose in Purpose.values:
            reason = consent_refusal(client_id=client_id, channel=channel, purpose=purpose)
            states.append(
                {
                    "channel": channel,
                    "purpose": purpose,
                    "allowed": not reason,
                    "reason": reason,
                    "latest": consent_latest(client_id=client_id, channel=channel, purpose=purpose),
                }
            )
    history = list(Consent.objects.filter(client_id=client_id).order_by("-recorded_at", "-id"))
    return {"states": states, "history": history}


def message_list(*, client_id: int | None = None, status: str | None = None) -> QuerySet[Message]:
    messages = Message.objects.select_related("client")
    if client_id is not None:
        messages = messages.filter(client_id=client_id)
    if status is not None:
        messages = messages.filter(status=status)
    return messages


def waitlist_entry_list(*, status: str | None = None) -> QuerySet[WaitlistEntry]:
    entries = WaitlistEntry.objects.select_related(
        "client", "service", "provider", "location"
    ).prefetch_related("offers")
    if status is not None:
        entries = entries.filter(status=status)
    return entries
