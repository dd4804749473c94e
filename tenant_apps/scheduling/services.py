"""Writes of the calendar: book, reschedule, and move an appointment through its
statuses.

The database has the last word on double booking: exclusion constraints on the
provider's span and on each room or device held (models.py). The availability
engine is asked first so a refusal says why (closed, not working, not
qualified), but two requests that both found the slot free still cannot both
commit: the second insert violates a constraint, and that becomes `SLOT_TAKEN`.

Every write logs an audit entry first, in the same transaction. The audit
chain takes a per-schema lock (see the audit app), so taking it before any row
of the calendar keeps the lock order the same in every transaction: two
bookings wait for each other instead of deadlocking.

Bad input raises ValidationError({field: ValidationError(message, code=...)}).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location
from tenant_apps.scheduling.availability import Slot, Unavailable, check_slot
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.models import (
    HOLDING_STATUSES,
    RESCHEDULABLE_STATUSES,
    STATUS_TRANSITIONS,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentService,
    AppointmentSource,
    AppointmentStatus,
    ResourceBooking,
)
from tenant_apps.scheduling.selectors import (
    AvailabilityInputs,
    availability_inputs,
    bookable_location,
    bookable_services,
    policy_of,
)
from tenant_apps.staff.models import StaffProfile

MAX_NOTES = 2000
MAX_REASON = 200

# The engine's reasons, as the API reports them. A provider or room already
# taken is one thing to the front desk: the slot is taken.
_UNAVAILABLE: dict[str, tuple[AppointmentErrorCode, str]] = {
    "OUTSIDE_POLICY": (AppointmentErrorCode.OUTSIDE_POLICY, ""),
    "NOT_QUALIFIED": (
        AppointmentErrorCode.NOT_QUALIFIED,
        "This provider holds no current credential a service needs.",
    ),
    "LOCATION_CLOSED": (
        AppointmentErrorCode.LOCATION_CLOSED,
        "The location is closed at that time.",
    ),
    "PROVIDER_NOT_WORKING": (
        AppointmentErrorCode.PROVIDER_NOT_WORKING,
        "The provider is not working then.",
    ),
    "PROVIDER_BUSY": (
        AppointmentErrorCode.SLOT_TAKEN,
        "The provider is already booked or away then.",
    ),
    "NO_RESOURCE": (
        AppointmentErrorCode.SLOT_TAKEN,
        "Every room or device the services need is taken then.",
    ),
}

# Further than this from today a start is a typing mistake (and near the ends of
# the calendar, date arithmetic overflows).
MAX_DISTANCE = dt.timedelta(days=3653)

# The constraints that mean "someone else holds this time".
_OVERLAP_CONSTRAINTS = {"appointment_provider_no_overlap", "resourcebooking_no_overlap"}


@contextmanager
def _overlaps_refused() -> Iterator[None]:
    """Turn a violation of a no-overlap constraint (someone else committed that
    time first) into SLOT_TAKEN; any other integrity error stays what it is."""
    try:
        yield
    except IntegrityError as exc:
        diag = getattr(exc.__cause__, "diag", None)
        if getattr(diag, "constraint_name", None) not in _OVERLAP_CONSTRAINTS:
            raise
        raise field_error(
            AppointmentErrorCode.SLOT_TAKEN,
            "That time was just taken. Choose another time.",
            "starts_at",
        ) from exc


def _clean_start(starts_at: dt.datetime | None, *, now: dt.datetime) -> dt.datetime:
    if starts_at is None or timezone.is_naive(starts_at):
        raise field_error(
            AppointmentErrorCode.START_INVALID,
            "Give the start time with its UTC offset.",
            "starts_at",
        )
    try:
        start = starts_at.astimezone(dt.UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable instant
        start = None
    if start is None or abs(start - now) > MAX_DISTANCE:
        raise field_error(
            AppointmentErrorCode.START_INVALID,
            "Give a time within ten years of today.",
            "starts_at",
        )
    return start


def _clean_text(value: str, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise field_error(
            AppointmentErrorCode.TOO_LONG, f"Keep this under {limit} characters.", field
        )
    return text


def _provider(provider_id: int | None, *, scope: int | None) -> StaffProfile:
    """The provider booked; `scope` (a public user id) limits a provider to themselves."""
    provider = (
        StaffProfile.objects.filter(pk=provider_id).first() if provider_id is not None else None
    )
    if provider is None or (scope is not None and provider.user_id != scope):
        raise field_error(AppointmentErrorCode.NOT_FOUND, "No such provider.", "provider_id")
    if not (provider.is_provider and provider.is_active):
        raise field_error(
            AppointmentErrorCode.PROVIDER_UNAVAILABLE,
            "This person does not see clients.",
            "provider_id",
        )
    return provider


def _plan(
    *,
    location: Location,
    services: list[Service],
    provider: StaffProfile,
    starts_at: dt.datetime,
    online: bool,
    now: dt.datetime,
    exclude_appointment_id: int | None = None,
) -> tuple[Slot, AvailabilityInputs]:
    """The slot as the engine plans it (segments, rooms and devices), or the
    reason it cannot be booked."""
    local_day = starts_at.astimezone(ZoneInfo(location.timezone)).date()
    inputs = availability_inputs(
        location=location,
        services=services,
        provider_ids=[provider.pk],
        first_day=local_day,
        last_day=local_day,
        exclude_appointment_id=exclude_appointment_id,
    )
    if not inputs.providers:
        raise field_error(
            AppointmentErrorCode.PROVIDER_NOT_WORKING,
            "This provider has no working hours at this location.",
            "provider_id",
        )
    present_types = {spec.type_id for spec in inputs.resources}
    for service in inputs.services:
        if not set(service.resource_type_ids) <= present_types:
            raise field_error(
                AppointmentErrorCode.RESOURCE_MISSING,
                "This location has no room or device of a kind a service needs.",
                "service_ids",
            )
    try:
        slot = check_slot(
            location=inputs.location_spec,
            services=inputs.services,
            provider=inputs.providers[0],
            resources=inputs.resources,
            # At the desk a visit that already happened (a walk-in) may be entered.
            policy=policy_of(inputs.profile, online=online)
            if online
            else replace(policy_of(inputs.profile, online=False), min_notice=None),
            now=now,
            starts_at=starts_at,
        )
    except Unavailable as exc:
        code, message = _UNAVAILABLE[exc.code]
        # The engine's own message names internal ids; the policy's is for people.
        raise field_error(
            code, exc.message if code == "OUTSIDE_POLICY" else message, "starts_at"
        ) from exc
    return slot, inputs


@dataclass(frozen=True)
class PlannedMove:
    """A move planned by the caller: the slot for the appointment's provider and
    `services` (in order), found with the appointment's own time left out."""

    slot: Slot
    services: Sequence[Service]


def _write_plan(appointment: Appointment, slot: Slot, services: Sequence[Service]) -> None:
    """The appointment's services and held resources as planned (after any old ones are gone)."""
    AppointmentService.objects.bulk_create(
        AppointmentService(
            appointment=appointment,
            service=service,
            position=position,
            starts_at=segment.starts_at,
            ends_at=segment.ends_at,
            price_cents=service.price_cents,
            currency=service.currency,
        )
        for position, (segment, service) in enumerate(zip(slot.segments, services, strict=True))
    )
    ResourceBooking.objects.bulk_create(
        ResourceBooking(
            appointment=appointment,
            resource_id=hold.resource_id,
            blocked_from=hold.starts_at,
            blocked_until=hold.ends_at,
            holds_time=True,
        )
        for hold in slot.holds
    )


def _event(
    appointment: Appointment,
    *,
    actor: Actor,
    kind: str,
    from_status: str = "",
    to_status: str = "",
    previous: dict[str, Any] | None = None,
) -> None:
    AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        from_status=from_status,
        to_status=to_status,
        previous=previous or {},
    )


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
        ("starts_at", lambda: _clean_start(starts_at, now=now)),
        ("notes", lambda: _clean_text(notes, field="notes", limit=MAX_NOTES)),
        ("location", lambda: bookable_location(location_id)),
        ("provider", lambda: _provider(provider_id, scope=provider_scope)),
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
    slot, _ = _plan(
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
    with _overlaps_refused(), transaction.atomic():
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
        _write_plan(appointment, slot, services)
        _event(
            appointment,
            actor=actor,
            kind=AppointmentEventKind.BOOKED,
            to_status=AppointmentStatus.BOOKED,
        )
    return appointment


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
    start = _clean_start(starts_at, now=now)
    with _overlaps_refused(), transaction.atomic():
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
            else _provider(provider_id, scope=provider_scope)
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
            slot, _ = _plan(
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
        _write_plan(current, slot, services)
        _event(current, actor=actor, kind=AppointmentEventKind.RESCHEDULED, previous=previous)
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
        reason = _clean_text(reason, field="reason", limit=MAX_REASON)
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
        _event(
            appointment,
            actor=actor,
            kind=AppointmentEventKind.STATUS_CHANGED,
            from_status=previous_status,
            to_status=status,
        )
    return appointment


def appointment_set_notes(
    *, actor: Actor, appointment_id: int | None, notes: str, provider_scope: int | None = None
) -> Appointment:
    """Replace an appointment's notes (what the client asked for, what to prepare)."""
    with transaction.atomic():
        appointment = _open(
            appointment_id, scope=provider_scope, actor=actor, action=AuditAction.UPDATE
        )
        appointment.notes = _clean_text(notes, field="notes", limit=MAX_NOTES)
        appointment.save(update_fields=["notes", "updated_at"])
        _event(appointment, actor=actor, kind=AppointmentEventKind.NOTES_CHANGED)
    return appointment
