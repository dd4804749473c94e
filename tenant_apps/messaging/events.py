"""What an appointment's change sends: the job scheduling defers, by name, in
the transaction of every booking, move and status change
(tenant_apps/scheduling/services/, `notify_messaging`), so that a rolled-back
change sends nothing and a committed one is never lost.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from shared_apps.jobs.spa import spa_task
from tenant_apps.messaging import waitlist
from tenant_apps.messaging.models import Channel, MessageKind, ReminderRule
from tenant_apps.messaging.sending import message_queue
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentSource,
)

EVENT_TASK = "messaging.appointment_event"


def _channels(appointment: Appointment) -> list[str]:
    """The channels a notice goes on: SMS to a phone; email to an address, except
    for online bookings, whose patients get the booking pages' own emails
    (tenant_apps/online_booking/emails.py)."""
    client = appointment.client
    channels: list[str] = []
    if client.phone:
        channels.append(Channel.SMS)
    if client.email and appointment.source != AppointmentSource.ONLINE:
        channels.append(Channel.EMAIL)
    return channels


def _stamp(appointment: Appointment) -> int:
    return int(appointment.starts_at.timestamp())


def queue_notice(appointment: Appointment, kind: str) -> None:
    for channel in _channels(appointment):
        message_queue(
            key=f"{kind}:{appointment.pk}:{channel}:{_stamp(appointment)}",
            client=appointment.client,
            appointment=appointment,
            channel=channel,
            kind=kind,
        )


def queue_reminders(appointment: Appointment, *, now: dt.datetime) -> int:
    """The spa's reminder schedule for this appointment's time (a moved
    appointment gets a new set; the old ones go stale)."""
    queued = 0
    client = appointment.client
    for rule in ReminderRule.objects.all():
        due = appointment.starts_at - dt.timedelta(minutes=rule.minutes_before)
        address = client.phone if rule.channel == Channel.SMS else client.email
        if due <= now or not address:
            continue
        message = message_queue(
            key=f"reminder:{appointment.pk}:{rule.channel}:{rule.minutes_before}:"
            f"{_stamp(appointment)}",
            client=client,
            appointment=appointment,
            channel=rule.channel,
            kind=MessageKind.REMINDER,
            due_at=due,
            only_if_unconfirmed=rule.only_if_unconfirmed,
        )
        queued += message is not None
    return queued


@spa_task(name=EVENT_TASK)
def appointment_event(
    *, appointment_id: int, event: str, freed: dict[str, Any] | None = None
) -> None:
    """`event`: booked, rescheduled, cancelled, no_show, confirmed, ...; `freed`,
    for a move, the slot it left (jobs deferred before it was passed read the
    latest move's record instead)."""
    now = timezone.now()
    appointment = (
        Appointment.objects.select_related("client", "location").filter(pk=appointment_id).first()
    )
    if appointment is None:
        return
    if event == "booked":
        queue_notice(appointment, MessageKind.CONFIRMATION)
        queue_reminders(appointment, now=now)
    elif event == "rescheduled":
        queue_notice(appointment, MessageKind.CHANGE)
        queue_reminders(appointment, now=now)
        if freed is None:
            moved = (
                AppointmentEvent.objects.filter(
                    appointment=appointment, kind=AppointmentEventKind.RESCHEDULED
                )
                .order_by("-occurred_at", "-id")
                .first()
            )
            freed = moved.previous if moved is not None else None
        if freed and freed.get("starts_at"):
            waitlist.slot_freed(
                provider_id=freed["provider_id"],
                location_id=appointment.location_id,
                starts_at=dt.datetime.fromisoformat(freed["starts_at"]),
                now=now,
            )
    elif event == "cancelled":
        for channel in _channels(appointment):
            message_queue(
                key=f"cancellation:{appointment.pk}:{channel}",
                client=appointment.client,
                appointment=appointment,
                channel=channel,
                kind=MessageKind.CANCELLATION,
            )
        waitlist.slot_freed(
            provider_id=appointment.provider_id,
            location_id=appointment.location_id,
            starts_at=appointment.starts_at,
            now=now,
        )
