"""Telling messaging (and forms) that an appointment changed: jobs deferred by
name in the caller's transaction (a rolled-back change sends nothing; a
committed one is never lost). By name, so scheduling does not import messaging
or forms, which read the calendar (tenant_apps/messaging/events.py,
tenant_apps/forms/events.py)."""

from __future__ import annotations

from typing import Any

from shared_apps.jobs.spa import defer_in_spa_by_name
from tenant_apps.scheduling.models import Appointment

EVENT_TASK = "messaging.appointment_event"
# Forms asks for the patient's outstanding forms when an appointment is booked.
FORMS_EVENT_TASK = "forms.appointment_event"
FORMS_EVENTS = frozenset({"booked"})


def notify_messaging(
    appointment: Appointment, event: str, *, freed: dict[str, object] | None = None
) -> None:
    """`event`: booked, rescheduled, or the new status (cancelled, confirmed, ...).
    `freed`, for a move: the slot it left (`provider_id`, `starts_at` in ISO
    form: ids and a time, nothing of the patient), carried by the job itself, so
    two moves before the job runs each free their own slot."""
    extra: dict[str, Any] = {"freed": freed} if freed else {}
    defer_in_spa_by_name(EVENT_TASK, appointment_id=appointment.pk, event=event, **extra)
    if event in FORMS_EVENTS:
        defer_in_spa_by_name(FORMS_EVENT_TASK, appointment_id=appointment.pk, event=event)
