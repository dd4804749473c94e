"""Booking an appointment: at the desk (`appointment_book`, checked and planned
here), or a slot someone planned already (`appointment_book_slot`: the online
booking's slot search).

Every write logs an audit entry first, in the same transaction. The audit
chain takes a per-schema lock (see the audit app), so taking it before any row
of the calendar keeps the lock order the same in every transaction: two
bookings wait for each other instead of deadlocking.

Bad input raises ValidationError({field: ValidationError(message, code=...)}),
codes from `AppointmentErrorCode` (tenant_apps/scheduling/errors.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location
from tenant_apps.scheduling.engine import Slot
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentEventKind,
    AppointmentSource,
    AppointmentStatus,
)
from tenant_apps.scheduling.selectors.availability import bookable_location, bookable_services
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
from tenant_apps.staff.models import StaffProfile

MAX_NOTES = 2000


def appointment_book(
    *,
    actor: Actor,
    client_id: int | None,
    provider_id: int | None,
    location_id: int | None,
    service_ids: Sequence[int | None],
    starts_at: dt.datetime | None,
    notes: str = "",
    source: str = AppointmentSource.STAFF,
    provider_scope: int | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book `client_id` with a provider at a location for services back to back
    from `starts_at`. Rooms and devices the services need are chosen and held.
    Online bookings keep the spa's notice and horizon; staff bookings keep
    opening hours, working hours and credentials but may be made at any time.
    `provider_scope` (a public user id) lets a provider book only themselves.
    """
    online = source == AppointmentSource.ONLINE
    now = now or timezone.now()
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, Any] = {}
    for field, clean in (
        ("starts_at", lambda: clean_start(starts_at, now=now)),
        ("notes", lambda: clean_text(notes, field="notes", limit=MAX_NOTES)),
        ("location", lambda: bookable_location(location_id)),
        ("provider", lambda: provider_of(provider_id, scope=provider_scope)),
        ("services", lambda: bookable_services(service_ids, online=online)),
    ):
        try:
            cleaned[field] = clean()
        except ValidationError as exc:
            errors.update(exc.error_dict)
    client = Client.objects.filter(pk=client_id).first() if client_id is not None else None
    if client is None:
        errors["client_id"] = [field_error(AppointmentErrorCode.NOT_FOUND, "No such client.")]
    elif client.archived_at is not None:
        errors["client_id"] = [
            field_error(
                AppointmentErrorCode.CLIENT_ARCHIVED, "This client is archived; restore them first."
            )
        ]
    if errors:
        raise ValidationError(errors)
    assert client is not None
    services = cleaned["services"]
    slot, _ = plan(
        location=cleaned["location"],
        services=services,
        provider=cleaned["provider"],
        starts_at=cleaned["starts_at"],
        online=online,
        now=now,
    )
    return appointment_book_slot(
        actor=actor,
        client=client,
        provider=cleaned["provider"],
        location=cleaned["location"],
        services=services,
        slot=slot,
        notes=cleaned["notes"],
        source=source,
    )


def appointment_book_slot(
    *,
    actor: Actor,
    client: Client,
    provider: StaffProfile,
    location: Location,
    services: Sequence[Service],
    slot: Slot,
    notes: str = "",
    source: str = AppointmentSource.STAFF,
) -> Appointment:
    """Book a slot the engine planned (`slot`: its times, rooms and devices,
    with `provider`) for `services` in that order, for a live client, with
    checked notes. Planning is the caller's (`appointment_book`, or the online
    booking's slot search): nothing is checked or planned again, and the
    database still refuses a time someone took meanwhile (SLOT_TAKEN)."""
    assert provider.pk == slot.provider_id, "the slot is planned for another provider"
    with overlaps_refused(), transaction.atomic():
        audit_record(actor=actor, action=AuditAction.BOOK, client_ids=[client.pk])
        appointment = Appointment.objects.create(
            client=client,
            provider=provider,
            location=location,
            status=AppointmentStatus.BOOKED,
            source=source,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            blocked_from=slot.blocked_from,
            blocked_until=slot.blocked_until,
            notes=notes,
            booked_by_user_id=actor.user_id,
        )
        write_plan(appointment, slot, services)
        record_event(
            appointment,
            actor=actor,
            kind=AppointmentEventKind.BOOKED,
            to_status=AppointmentStatus.BOOKED,
        )
        notify_messaging(appointment, "booked")
    return appointment
