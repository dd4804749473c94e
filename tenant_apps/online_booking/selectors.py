"""Public reads for online booking, and the checks every public input gets.

Anything a patient names (a location, services, a provider) must be offered
online right now; anything else is NOT_FOUND, whether it is absent, of another
spa, retired or not a provider, so ids reveal nothing. Locations and services
are checked by the calendar's own checks (`scheduling.selectors.availability.bookable_*`,
online). Free slots come from the calendar's one slot search
(`scheduling.selectors.availability.free_slots`) with the spa's online policy (notice,
horizon, grid); they are the only thing said about providers' time.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.errors import field_error
from tenant_apps.catalog.models import Service
from tenant_apps.forms.models import ServiceForm
from tenant_apps.locations.models import Location
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.engine import Slot
from tenant_apps.scheduling.selectors.availability import (
    bookable_location,
    bookable_services,
    booking_policy,
    free_slots,
)
from tenant_apps.staff.models import StaffProfile
from tenants.db import connection

# One request asks about at most this many days, and gets at most this many slots.
MAX_RANGE_DAYS = 14
MAX_SLOTS = 500


class _Any(enum.Enum):
    PROVIDER = "any"


# No provider named: any free one will do (None means one was named and is unknown).
ANY_PROVIDER: Final = _Any.PROVIDER
ProviderChoice = int | None | Literal[_Any.PROVIDER]


def online_profile(*, require_enabled: bool = True) -> SpaProfile:
    """The spa's profile (its online policy); ONLINE_BOOKING_DISABLED when the
    spa does not take bookings online and `require_enabled`."""
    profile = booking_policy()
    if require_enabled and not profile.online_booking_enabled:
        raise field_error(
            BookingErrorCode.ONLINE_BOOKING_DISABLED,
            "This spa does not take bookings online.",
            NON_FIELD_ERRORS,
        )
    return profile


def _forms_required() -> QuerySet[ServiceForm]:
    """The live, published forms a service requires (the ones its patients get
    a forms link for, tenant_apps/forms/outstanding_links.py)."""
    return ServiceForm.objects.filter(
        template__archived_at__isnull=True, template__versions__isnull=False
    )


def services_requiring_forms(service_ids: Sequence[int]) -> set[int]:
    """Which of the services require forms: booking them asks for the date of
    birth, which the forms link checks (one query)."""
    return set(
        _forms_required()
        .filter(service_id__in=list(service_ids))
        .values_list("service_id", flat=True)
        .distinct()
    )


def bookable_service_list() -> QuerySet[Service]:
    """The online menu: active services bookable online in active categories,
    in menu order, with their category and whether each requires forms
    (`requires_forms`), in one query."""
    return (
        Service.objects.filter(is_active=True, is_bookable_online=True, category__is_active=True)
        .select_related("category")
        .annotate(requires_forms=Exists(_forms_required().filter(service_id=OuterRef("pk"))))
        .order_by("category__display_order", "category__name", "display_order", "name", "id")
    )


def open_location_list() -> QuerySet[Location]:
    return Location.objects.filter(is_active=True).order_by("name", "id")


def bookable_provider(provider_id: ProviderChoice) -> StaffProfile:
    """An active provider; NOT_FOUND for anyone else (staff who see no clients too)."""
    provider = (
        StaffProfile.objects.filter(pk=provider_id, is_provider=True, is_active=True).first()
        if isinstance(provider_id, int)
        else None
    )
    if provider is None:
        raise field_error(BookingErrorCode.NOT_FOUND, "No such provider.", "provider_id")
    return provider


@dataclass(frozen=True)
class FreeSlot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    provider: StaffProfile


@dataclass(frozen=True)
class Availability:
    slots: list[FreeSlot]
    truncated: bool


def free_slot_list(
    *,
    location_id: int | None,
    service_ids: Sequence[int | None],
    first_day: dt.date,
    last_day: dt.date,
    provider_id: ProviderChoice = ANY_PROVIDER,
    now: dt.datetime | None = None,
) -> Availability:
    """The starts a patient may book for `service_ids` (in order) at a location on
    its local dates first_day..last_day (at most MAX_RANGE_DAYS), each with a
    provider free then: by start, then provider. Days before today or past the
    spa's horizon have none. At most MAX_SLOTS (`truncated` says there were more)."""
    now = now or timezone.now()
    profile = online_profile()
    errors: dict[str, list[ValidationError]] = {}
    cleaned: dict[str, object] = {}
    for field, clean in (
        ("location", lambda: bookable_location(location_id, online=True)),
        ("services", lambda: bookable_services(service_ids, online=True)),
        (
            "provider",
            lambda: None if provider_id is ANY_PROVIDER else bookable_provider(provider_id),
        ),
    ):
        try:
            cleaned[field] = clean()
        except ValidationError as exc:
            errors.update(exc.error_dict)
    if first_day > last_day or (last_day - first_day).days >= MAX_RANGE_DAYS:
        errors["to"] = [
            field_error(
                BookingErrorCode.RANGE_INVALID,
                f"Ask for 1 to {MAX_RANGE_DAYS} days, `to` on or after `from`.",
            )
        ]
    if errors:
        raise ValidationError(errors)
    location = cleaned["location"]
    assert isinstance(location, Location)
    zone = ZoneInfo(location.timezone)
    first = max(first_day, now.astimezone(zone).date())
    last = min(
        last_day, (now + dt.timedelta(days=profile.booking_horizon_days)).astimezone(zone).date()
    )
    if first > last:
        return Availability(slots=[], truncated=False)
    provider = cleaned["provider"]
    slots, inputs = free_slots(
        location=location,
        services=cleaned["services"],  # type: ignore[arg-type]
        provider_ids=[provider.pk] if isinstance(provider, StaffProfile) else None,
        first_day=first,
        last_day=last,
        online=True,
        now=now,
        limit=MAX_SLOTS + 1,
    )
    return Availability(
        slots=[
            FreeSlot(slot.starts_at, slot.ends_at, inputs.provider_rows[slot.provider_id])
            for slot in slots[:MAX_SLOTS]
        ],
        truncated=len(slots) > MAX_SLOTS,
    )


def offered_slots_at(
    *,
    location: Location,
    services: Sequence[Service],
    starts_at: dt.datetime,
    now: dt.datetime,
    provider_ids: Sequence[int] | None = None,
    exclude_appointment_id: int | None = None,
) -> list[tuple[Slot, StaffProfile]]:
    """The slots from exactly `starts_at` that the booking page offers (on the
    grid, within the policy, free), planned: one per provider free then, lowest
    id first, each with its rooms and devices, and the provider. What online
    booking books."""
    day = starts_at.astimezone(ZoneInfo(location.timezone)).date()
    slots, inputs = free_slots(
        location=location,
        services=services,
        provider_ids=provider_ids,
        first_day=day,
        last_day=day,
        online=True,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
    )
    return [
        (slot, inputs.provider_rows[slot.provider_id])
        for slot in slots
        if slot.starts_at == starts_at
    ]


def booking_reference(appointment_id: int) -> str:
    """A short code a patient can quote for a booking ("7KQ2-M4XD"). Derived from
    the appointment (keyed with the secret key), so it needs no storage and says
    nothing about how many bookings the spa has."""
    digest = salted_hmac(
        # The salt names the package's old place: changing it would change every reference.
        "tenant_apps.scheduling.booking.reference",
        f"{connection.schema_name}:{appointment_id}",
    ).digest()
    code = base64.b32encode(digest[:5]).decode()
    return f"{code[:4]}-{code[4:]}"
