"""Writes for staff profiles, credentials, working hours and time off.

Everything runs with the connection on the spa's schema. Bad input raises
ValidationError({field: ValidationError(message, code=...)}), every field's
error at once, with codes from `StaffErrorCode` (tenant_apps/staff/errors.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TypedDict, TypeVar, Unpack
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.errors import field_error
from core.updates import apply_changes
from shared_apps.accounts.models import Membership
from tenant_apps.locations.models import Location
from tenant_apps.locations.weekly import WeeklyInterval, weekly_intervals_check
from tenant_apps.staff.errors import StaffErrorCode
from tenant_apps.staff.models import (
    Credential,
    CredentialKind,
    StaffProfile,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)
from tenants.db import connection

# A profile made for someone whose account has no name yet: managers rename it.
UNNAMED = "New staff member"

M = TypeVar("M", bound=Model)


def _row(queryset: QuerySet[M], pk: int | None) -> M | None:
    """The row with primary key `pk`, or None (also for a None `pk`: an ID that
    named nothing in this spa)."""
    return None if pk is None else queryset.filter(pk=pk).first()


def _max_length(model: type[Model], field: str) -> int:
    return getattr(model._meta.get_field(field), "max_length", None) or 0


def _not_found(field: str, what: str) -> ValidationError:
    return field_error(StaffErrorCode.NOT_FOUND, f"No such {what}.", field)


def _clean_display_name(value: str) -> str:
    name = (value or "").strip()
    limit = _max_length(StaffProfile, "display_name")
    if not name:
        raise field_error(StaffErrorCode.NAME_REQUIRED, "Enter a name.")
    if len(name) > limit:
        raise field_error(StaffErrorCode.NAME_TOO_LONG, f"Keep the name under {limit} characters.")
    return name


def _spa_today() -> datetime.date:
    tenant = getattr(connection, "tenant", None)
    zone = getattr(tenant, "timezone", "") or "UTC"
    return timezone.localdate(timezone=ZoneInfo(zone))


# --- Profiles --------------------------------------------------------------------------------


def staff_profile_ensure(*, user_id: int, display_name: str, is_provider: bool) -> StaffProfile:
    """The profile of the spa member with public user id `user_id`, created if
    missing. Idempotent; an existing profile keeps its name and status, and
    becomes a provider's if `is_provider` (never the reverse: a role change away
    from provider leaves the profile to the managers).

    The id points into the public schema, where no foreign key can follow it, so
    it is checked here: it must be a member of the spa the connection is on.
    """
    spa_id = getattr(getattr(connection, "tenant", None), "pk", None)
    if spa_id is None or not Membership.objects.filter(user_id=user_id, spa_id=spa_id).exists():
        raise _not_found("user_id", "member of this spa")
    limit = _max_length(StaffProfile, "display_name")
    name = (display_name or "").strip()[:limit] or UNNAMED
    with transaction.atomic():
        # get_or_create re-reads on a unique violation: two requests may add the same person.
        profile, created = StaffProfile.objects.get_or_create(
            user_id=user_id, defaults={"display_name": name, "is_provider": is_provider}
        )
        if not created and is_provider and not profile.is_provider:
            profile.is_provider = True
            profile.save(update_fields=["is_provider", "updated_at"])
    return profile


class StaffProfileChanges(TypedDict, total=False):
    display_name: str
    is_provider: bool
    is_active: bool


def staff_profile_update(
    *, staff_id: int | None, **changes: Unpack[StaffProfileChanges]
) -> StaffProfile:
    """Change the given fields of a staff profile (core/updates.py). An inactive
    member keeps their records but is not offered for booking."""
    with transaction.atomic():
        staff = _row(StaffProfile.objects.select_for_update(), staff_id)
        if staff is None:
            raise _not_found("id", "staff member")
        cleaned: dict[str, object] = dict(changes)
        if "display_name" in changes:
            try:
                cleaned["display_name"] = _clean_display_name(changes["display_name"])
            except ValidationError as exc:
                raise ValidationError({"display_name": exc}) from None
        changed = apply_changes(staff, cleaned)
        if changed:
            staff.save(update_fields=[*changed, "updated_at"])
    return staff


# --- Credentials -----------------------------------------------------------------------------


def credential_set(
    *,
    staff_id: int | None,
    kind: str,
    licence_number: str,
    issuing_region: str,
    expires_on: datetime.date,
) -> Credential:
    """Record a staff member's licence of `kind`, replacing the one on record.

    An expiry date already past (in the spa's timezone) is refused
    (EXPIRY_IN_PAST): the record says who may perform what now, and an expired
    licence allows nothing. Licences that expire later show as expired then.
    """
    errors: dict[str, ValidationError] = {}
    if kind not in CredentialKind.values:
        errors["kind"] = field_error(StaffErrorCode.CREDENTIAL_UNKNOWN, "Unknown credential.")
    licence_number = (licence_number or "").strip()
    if not licence_number:
        errors["licence_number"] = field_error(
            StaffErrorCode.LICENCE_REQUIRED, "Enter the licence number."
        )
    elif len(licence_number) > _max_length(Credential, "licence_number"):
        errors["licence_number"] = field_error(StaffErrorCode.TOO_LONG, "The number is too long.")
    issuing_region = (issuing_region or "").strip()
    if not issuing_region:
        errors["issuing_region"] = field_error(
            StaffErrorCode.REGION_REQUIRED, "Enter the state or region that issued the licence."
        )
    elif len(issuing_region) > _max_length(Credential, "issuing_region"):
        errors["issuing_region"] = field_error(StaffErrorCode.TOO_LONG, "The region is too long.")
    if expires_on < _spa_today():
        errors["expires_on"] = field_error(
            StaffErrorCode.EXPIRY_IN_PAST, "This licence has already expired."
        )
    with transaction.atomic():
        staff = _row(StaffProfile.objects.select_for_update(), staff_id)
        if staff is None:
            errors["staff_member_id"] = field_error(
                StaffErrorCode.NOT_FOUND, "No such staff member."
            )
        if errors or staff is None:
            raise ValidationError(errors)
        credential, _ = Credential.objects.update_or_create(
            staff=staff,
            kind=kind,
            defaults={
                "licence_number": licence_number,
                "issuing_region": issuing_region,
                "expires_on": expires_on,
            },
        )
    return credential


def credential_remove(*, credential_id: int | None) -> StaffProfile:
    """Take a credential off a staff member's record; their profile."""
    with transaction.atomic():
        credential = _row(Credential.objects.select_related("staff"), credential_id)
        if credential is None:
            raise _not_found("id", "credential")
        credential.delete()
    return credential.staff


# --- Working hours ---------------------------------------------------------------------------


def working_hours_set(
    *, staff_id: int | None, location_id: int | None, hours: Sequence[WeeklyInterval]
) -> StaffProfile:
    """Replace the week a staff member works at one location (local wall times of
    the location). Their hours at other locations stay, and none may overlap the
    new ones: nobody is in two places at once. An empty list clears the week."""
    errors: dict[str, ValidationError] = {}
    with transaction.atomic():
        # Locking the person serialises changes to their week, so the overlap
        # check reads what the insert will meet.
        staff = _row(StaffProfile.objects.select_for_update(), staff_id)
        if staff is None:
            errors["staff_member_id"] = field_error(
                StaffErrorCode.NOT_FOUND, "No such staff member."
            )
        location = _row(Location.objects.all(), location_id)
        if location is None:
            errors["location_id"] = field_error(
                StaffErrorCode.LOCATION_NOT_FOUND, "No such location."
            )
        elif hours and not location.is_active:
            errors["location_id"] = field_error(
                StaffErrorCode.LOCATION_INACTIVE, "This location is closed."
            )
        elsewhere: list[WorkingHours] = []
        if staff is not None:
            elsewhere = list(WorkingHours.objects.filter(staff=staff).exclude(location=location))
        hour_errors = weekly_intervals_check(
            hours,
            others=[WeeklyInterval(h.weekday, h.starts_at, h.ends_at) for h in elsewhere],
            others_label=" at another location",
        )
        if hour_errors:
            errors["hours"] = ValidationError(hour_errors)
        if errors or staff is None:
            raise ValidationError(errors)
        WorkingHours.objects.filter(staff=staff, location=location).delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(
                staff=staff,
                location=location,
                weekday=interval.weekday,
                starts_at=interval.starts_at,
                ends_at=interval.ends_at,
            )
            for interval in hours
        )
    return staff


# --- Time off --------------------------------------------------------------------------------


def time_off_add(
    *,
    staff_id: int | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    kind: str = TimeOffKind.TIME_OFF,
    reason: str = "",
) -> TimeOff:
    """Mark a span when a staff member cannot be booked. Times carry their UTC
    offset; they are stored in UTC. The reason is a short label for the team
    ("Conference"), never anything about a patient."""
    errors: dict[str, ValidationError] = {}
    in_utc: dict[str, datetime.datetime] = {}
    for field, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if timezone.is_naive(value):
            errors[field] = field_error(
                StaffErrorCode.RANGE_INVALID, "Give the time with its UTC offset."
            )
            continue
        try:
            in_utc[field] = value.astimezone(datetime.UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable instant
            errors[field] = field_error(StaffErrorCode.RANGE_INVALID, "Give a time in our era.")
    if not errors and in_utc["ends_at"] <= in_utc["starts_at"]:
        errors["ends_at"] = field_error(
            StaffErrorCode.RANGE_INVALID, "The end must be after the start."
        )
    if kind not in TimeOffKind.values:
        errors["kind"] = field_error(StaffErrorCode.KIND_INVALID, "Unknown kind of time off.")
    reason = (reason or "").strip()
    if len(reason) > _max_length(TimeOff, "reason"):
        errors["reason"] = field_error(StaffErrorCode.TOO_LONG, "Keep the reason short.")
    with transaction.atomic():
        staff = _row(StaffProfile.objects.all(), staff_id)
        if staff is None:
            errors["staff_member_id"] = field_error(
                StaffErrorCode.NOT_FOUND, "No such staff member."
            )
        if errors or staff is None:
            raise ValidationError(errors)
        return TimeOff.objects.create(
            staff=staff,
            kind=kind,
            starts_at=in_utc["starts_at"],
            ends_at=in_utc["ends_at"],
            reason=reason,
        )


def time_off_remove(*, time_off_id: int | None) -> StaffProfile:
    """Cancel a span of time off or blocked time; the staff member's profile."""
    with transaction.atomic():
        time_off = _row(TimeOff.objects.select_related("staff"), time_off_id)
        if time_off is None:
            raise _not_found("id", "time off")
        time_off.delete()
    return time_off.staff
