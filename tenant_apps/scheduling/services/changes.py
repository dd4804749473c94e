"""Changing an appointment: move it (`appointment_reschedule`), take it through
its statuses (`appointment_set_status`), replace its notes.

As in booking, every change logs its audit entry first (the audit lock before
any row of the calendar), then locks the appointment.

Bad input raises ValidationError({field: ValidationError(message, code=...)}),
codes from `AppointmentErrorCode` (tenant_apps/scheduling/errors.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.catalog.models import Service
from tenant_apps.scheduling.engine import Slot
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.models import (
    HOLDING_STATUSES,
    RESCHEDULABLE_STATUSES,
    STATUS_TRANSITIONS,
    Appointment,
    AppointmentEventKind,
    AppointmentStatus,
)
from tenant_apps.scheduling.selectors.availability import bookable_location, bookable_services
from tenant_apps.scheduling.services.booking import MAX_NOTES
from tenant_apps.scheduling.services.notify import notify_messaging
from tenant_apps.scheduling.services.planning import (
    clean_start,
    clean_text,
    overlaps_refused,
    plan,
    provider_of,
    record_event,
    write_plan,
)

MAX_REASON = 200


@dataclass(frozen=True)
class PlannedMove:
    """A move planned by the caller: the slot for the appointment's provider and
    `services` (in order), found with the appointment's own time left out."""

    slot: Slot
    services: Sequence[Service]


def _open(
    appointment_id: int | None, *, scope: int | None, actor: Actor, action: AuditAction
) -> Appointment:
    """The appointment, audited and then locked for the change (the audit lock
    first, as in every write here); a provider in `scope` sees only their own."""
    found = (
        Appointment.objects.filter(pk=appointment_id)
        .values_list("pk", "client_id", "provider__user_id")
        .first()
        if appointment_id is not None
        else None
    )
    if found is None or (scope is not None and found[2] != scope):
        raise field_error(AppointmentErrorCode.NOT_FOUND, "No such appointment.", "id")
    found_id, client_id, _ = found
    audit_record(actor=actor, action=action, client_ids=[client_id])
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("provider", "location")
        .get(pk=found_id)
    )


def appointment_reschedule(
    *,
    actor: Actor,
    appointment_id: int | None,
    starts_at: dt.datetime | None,
    provider_id: int | None = None,
    service_ids: Sequence[int | None] | None = None,
    provider_scope: int | None = None,
    now: dt.datetime | None = None,
    planned: PlannedMove | None = None,
) -> Appointment:
    """Move a booked or confirmed appointment to `starts_at`, optionally with
    another provider or other services (None: the same). The history keeps
    the time, provider and rooms it had; rooms are chosen afresh.

    `planned`: the caller has planned the move already (the online booking's
    slot search, with the same provider and services): it is written as it is,
    not checked or planned again."""
    now = now or timezone.now()
    start = clean_start(starts_at, now=now)
    with overlaps_refused(), transaction.atomic():
        current = _open(
            appointment_id, scope=provider_scope, actor=actor, action=AuditAction.RESCHEDULE
        )
        if current.status not in RESCHEDULABLE_STATUSES:
            raise field_error(
                AppointmentErrorCode.NOT_RESCHEDULABLE,
                f"A {current.get_status_display().lower()} appointment cannot be moved.",
                "id",
            )
        provider = (
            current.provider
            if provider_id is None
            else provider_of(provider_id, scope=provider_scope)
        )
        booked_service_ids = list(
            current.lines.order_by("position").values_list("service_id", flat=True)
        )
        services: Sequence[Service]
        if planned is not None:
            if planned.slot.provider_id != provider.pk:
                raise field_error(
                    AppointmentErrorCode.SLOT_TAKEN,
                    "The provider is already booked or away then.",
                    "starts_at",
                )
            slot, services = planned.slot, planned.services
        else:
            if service_ids is None:
                # The services already booked stay bookable by this client.
                services = bookable_services(booked_service_ids, online=False, offered_only=False)
            else:
                services = bookable_services(service_ids, online=False)
            slot, _ = plan(
                location=bookable_location(current.location_id),
                services=list(services),
                provider=provider,
                starts_at=start,
                online=False,
                now=now,
                exclude_appointment_id=current.pk,
            )
        previous = {
            "starts_at": current.starts_at.isoformat(),
            "ends_at": current.ends_at.isoformat(),
            "provider_id": current.provider_id,
            "service_ids": booked_service_ids,
            "resource_ids": sorted(current.resource_bookings.values_list("resource_id", flat=True)),
        }
        current.lines.all().delete()
        current.resource_bookings.all().delete()
        current.provider = provider
        current.starts_at = slot.starts_at
        current.ends_at = slot.ends_at
        current.blocked_from = slot.blocked_from
        current.blocked_until = slot.blocked_until
        current.save()
        write_plan(current, slot, services)
        record_event(current, actor=actor, kind=AppointmentEventKind.RESCHEDULED, previous=previous)
        notify_messaging(
            current,
            "rescheduled",
            freed={"provider_id": previous["provider_id"], "starts_at": previous["starts_at"]},
        )
    return current


def appointment_set_status(
    *,
    actor: Actor,
    appointment_id: int | None,
    status: str,
    reason: str = "",
    provider_scope: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move an appointment to `status` if its lifecycle allows it
    (STATUS_TRANSITIONS). Cancelling needs a reason and frees the time, as a
    no-show does; a no-show can only be marked once the start has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        appointment = _open(
            appointment_id,
            scope=provider_scope,
            actor=actor,
            action=AuditAction.APPOINTMENT_STATUS,
        )
        allowed = STATUS_TRANSITIONS.get(appointment.status, frozenset())
        if status not in allowed:
            target = dict(AppointmentStatus.choices).get(status, status).lower()
            raise field_error(
                AppointmentErrorCode.TRANSITION_INVALID,
                f"A {appointment.get_status_display().lower()} appointment cannot become {target}.",
                "status",
            )
        reason = clean_text(reason, field="reason", limit=MAX_REASON)
        if status == AppointmentStatus.CANCELLED:
            if not reason:
                raise field_error(
                    AppointmentErrorCode.REASON_REQUIRED,
                    "Give a reason for the cancellation.",
                    "reason",
                )
            appointment.cancellation_reason = reason
            appointment.cancelled_at = now
        if status == AppointmentStatus.NO_SHOW and now < appointment.starts_at:
            raise field_error(
                AppointmentErrorCode.TOO_EARLY,
                "A client can only miss an appointment once it has started.",
                "status",
            )
        previous_status = appointment.status
        holds = status in HOLDING_STATUSES
        appointment.status = status
        appointment.holds_time = holds
        appointment.save()
        appointment.resource_bookings.exclude(holds_time=holds).update(holds_time=holds)
        record_event(
            appointment,
            actor=actor,
            kind=AppointmentEventKind.STATUS_CHANGED,
            from_status=previous_status,
            to_status=status,
        )
        notify_messaging(appointment, status)
    return appointment


def appointment_set_notes(
    *, actor: Actor, appointment_id: int | None, notes: str, provider_scope: int | None = None
) -> Appointment:
    """Replace an appointment's notes (what the client asked for, what to prepare)."""
    with transaction.atomic():
        appointment = _open(
            appointment_id, scope=provider_scope, actor=actor, action=AuditAction.UPDATE
        )
        appointment.notes = clean_text(notes, field="notes", limit=MAX_NOTES)
        appointment.save(update_fields=["notes", "updated_at"])
        record_event(appointment, actor=actor, kind=AppointmentEventKind.NOTES_CHANGED)
    return appointment
