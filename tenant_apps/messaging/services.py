"""The spa's messaging set-up: templates (with a preview), the reminder
schedule and the waitlist settings. Managers change them through the API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import field_error
from tenant_apps.messaging import rules
from tenant_apps.messaging.errors import MessagingErrorCode
from tenant_apps.messaging.models import (
    Channel,
    MessageKind,
    MessageTemplate,
    MessagingSettings,
    ReminderRule,
    WaitlistMode,
)
from tenant_apps.messaging.templates import (
    EDITABLE_KINDS,
    SAMPLE,
    WORST_CASE,
    render,
    unknown_variables,
)

MAX_SUBJECT = 200
MAX_BODY = 5000
MIN_OFFSET, MAX_OFFSET = 10, 14 * 24 * 60
MAX_RULES = 6


@dataclass(frozen=True)
class Preview:
    subject: str
    body: str
    longest_length: int


def template_preview(*, kind: str, channel: str, subject: str, body: str) -> Preview:
    """The template rendered with sample values, and its length with the longest
    values (an SMS reminder must stay under 160 characters)."""
    _check_kind(kind, channel)
    unknown = unknown_variables(subject + " " + body)
    if unknown:
        raise field_error(
            MessagingErrorCode.TEMPLATE_VARIABLE_UNKNOWN,
            f"Unknown variables: {', '.join(unknown)[:200]}.",
            "body",
        )
    return Preview(
        subject=render(subject, SAMPLE),
        body=render(body, SAMPLE),
        longest_length=len(render(body, WORST_CASE)),
    )


def _check_kind(kind: str, channel: str) -> None:
    if kind not in EDITABLE_KINDS or channel not in Channel.values:
        raise field_error(
            MessagingErrorCode.TEMPLATE_NOT_EDITABLE, "This message cannot be edited.", "kind"
        )


def template_save(
    *, kind: str, channel: str, subject: str, body: str, user_id: int | None
) -> MessageTemplate:
    """Save the spa's own wording for (kind, channel)."""
    _check_kind(kind, channel)
    subject, body = subject.strip(), body.strip()
    if not body or len(body) > MAX_BODY or len(subject) > MAX_SUBJECT:
        raise field_error(
            MessagingErrorCode.TEMPLATE_TOO_LONG,
            f"A body of 1 to {MAX_BODY} characters, a subject of at most {MAX_SUBJECT}.",
            "body",
        )
    if "\x00" in subject + body:
        raise field_error(MessagingErrorCode.VALUE_INVALID, "No NUL characters.", "body")
    preview = template_preview(kind=kind, channel=channel, subject=subject, body=body)
    if (
        channel == Channel.SMS
        and kind == MessageKind.REMINDER
        and preview.longest_length >= rules.SMS_REMINDER_LIMIT
    ):
        raise field_error(
            MessagingErrorCode.TEMPLATE_TOO_LONG,
            f"An SMS reminder must stay under {rules.SMS_REMINDER_LIMIT} characters with the "
            f"longest names; this one reaches {preview.longest_length}.",
            "body",
        )
    template, _ = MessageTemplate.objects.update_or_create(
        kind=kind,
        channel=channel,
        defaults={"subject": subject, "body": body, "updated_by_user_id": user_id},
    )
    return template


def template_reset(*, kind: str, channel: str) -> None:
    """Back to the default wording."""
    _check_kind(kind, channel)
    MessageTemplate.objects.filter(kind=kind, channel=channel).delete()


@dataclass(frozen=True)
class RuleSpec:
    channel: str
    minutes_before: int
    only_if_unconfirmed: bool


def reminder_schedule_set(*, rules_given: Sequence[RuleSpec]) -> list[ReminderRule]:
    """Replace the reminder schedule (empty: no reminders)."""
    if len(rules_given) > MAX_RULES:
        raise field_error(
            MessagingErrorCode.OUT_OF_RANGE, f"At most {MAX_RULES} reminders.", "rules"
        )
    seen = set()
    for rule in rules_given:
        if rule.channel not in Channel.values:
            raise field_error(MessagingErrorCode.VALUE_INVALID, "Unknown channel.", "rules")
        if not MIN_OFFSET <= rule.minutes_before <= MAX_OFFSET:
            raise field_error(
                MessagingErrorCode.OUT_OF_RANGE,
                f"Reminders go {MIN_OFFSET} minutes to 14 days before.",
                "rules",
            )
        if (rule.channel, rule.minutes_before) in seen:
            raise field_error(MessagingErrorCode.DUPLICATE, "A reminder is given twice.", "rules")
        seen.add((rule.channel, rule.minutes_before))
    ReminderRule.objects.all().delete()
    return ReminderRule.objects.bulk_create(
        ReminderRule(
            channel=rule.channel,
            minutes_before=rule.minutes_before,
            only_if_unconfirmed=rule.only_if_unconfirmed,
        )
        for rule in rules_given
    )


def messaging_settings_update(
    *, waitlist_mode: str | None = None, waitlist_hold_minutes: int | None = None
) -> MessagingSettings:
    settings = MessagingSettings.objects.select_for_update().get(pk=MessagingSettings.SINGLETON_ID)
    if waitlist_mode is not None:
        if waitlist_mode not in WaitlistMode.values:
            raise field_error(MessagingErrorCode.VALUE_INVALID, "Unknown mode.", "waitlist_mode")
        settings.waitlist_mode = waitlist_mode
    if waitlist_hold_minutes is not None:
        if not 5 <= waitlist_hold_minutes <= 24 * 60:
            raise field_error(
                MessagingErrorCode.OUT_OF_RANGE,
                "An offer is held 5 minutes to 24 hours.",
                "waitlist_hold_minutes",
            )
        settings.waitlist_hold_minutes = waitlist_hold_minutes
    settings.save()
    return settings
