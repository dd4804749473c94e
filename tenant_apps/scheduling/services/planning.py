"""Planning an appointment, shared by booking and changing one: the checks of
what a request names (start, texts, provider), the engine's plan of the slot
(`plan`: segments, rooms and devices, or the first rule it breaks), writing a
plan, and the history.

The database has the last word on double booking: exclusion constraints on the
provider's span and on each room or device held (tenant_apps/scheduling/models.py).
The availability engine is asked first so a refusal says why (closed, not
working, not qualified), but two requests that both found the slot free still
cannot both commit: the second insert violates a constraint, and that becomes
`SLOT_TAKEN` (`overlaps_refused`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError
from django.utils import timezone

from core.errors import field_error
from core.integrity import violated_constraint
from tenant_apps.audit.services import Actor
from tenant_apps.catalog.models import Service
from tenant_apps.locations.models import Location
from tenant_apps.scheduling.engine import Slot, Unavailable, check_slot
from tenant_apps.scheduling.errors import AppointmentErrorCode
from tenant_apps.scheduling.models import (
    Appointment,
    AppointmentEvent,
    AppointmentService,
    ResourceBooking,
)
from tenant_apps.scheduling.selectors.availability import (
    AvailabilityInputs,
    availability_inputs,
    policy_of,
)
from tenant_apps.staff.models import StaffProfile

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
def overlaps_refused() -> Iterator[None]:
    """Turn a violation of a no-overlap constraint (someone else committed that
    time first) into SLOT_TAKEN; any other integrity error stays what it is."""
    try:
        yield
    except IntegrityError as exc:
        if violated_constraint(exc, _OVERLAP_CONSTRAINTS) is None:
            raise
        raise field_error(
            AppointmentErrorCode.SLOT_TAKEN,
            "That time was just taken. Choose another time.",
            "starts_at",
        ) from exc


def clean_start(starts_at: dt.datetime | None, *, now: dt.datetime) -> dt.datetime:
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


def clean_text(value: str, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise field_error(
            AppointmentErrorCode.TOO_LONG, f"Keep this under {limit} characters.", field
        )
    return text


def provider_of(provider_id: int | None, *, scope: int | None) -> StaffProfile:
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


def plan(
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


def write_plan(appointment: Appointment, slot: Slot, services: Sequence[Service]) -> None:
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


def record_event(
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
