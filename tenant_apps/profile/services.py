"""Changes to the current spa's profile: contact details and the online booking policy."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypedDict, Unpack

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from core.errors import field_error
from core.updates import apply_changes
from tenant_apps.profile.errors import ProfileErrorCode
from tenant_apps.profile.models import (
    MAX_CANCELLATION_WINDOW_HOURS,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    SLOT_GRANULARITIES,
    SpaProfile,
)

_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def phone_to_e164(value: str, *, region: str | None = None) -> str:
    """Normalise a phone number to E.164, or raise PHONE_INVALID."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise field_error(
            ProfileErrorCode.PHONE_INVALID, "Enter a valid phone number, with its country code."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ProfileChanges(TypedDict, total=False):
    contact_email: str
    contact_phone: str
    website: str
    booking_policy: str
    brand_color: str
    online_booking_enabled: bool
    min_notice_minutes: int
    booking_horizon_days: int
    cancellation_window_hours: int
    slot_granularity_minutes: int


# The booking policy's numbers: (lowest, highest, unit).
_NUMBER_FIELDS = {
    "min_notice_minutes": (0, MAX_NOTICE_MINUTES, "minutes"),
    "booking_horizon_days": (1, MAX_HORIZON_DAYS, "days"),
    "cancellation_window_hours": (0, MAX_CANCELLATION_WINDOW_HOURS, "hours"),
}


def profile_update(**changes: Unpack[ProfileChanges]) -> SpaProfile:
    """Change the given fields of the current spa's profile and save those that
    changed; an empty string clears a text field. The booking policy's numbers
    must lie in the limits of profile/models.py (OUT_OF_RANGE; GRANULARITY_INVALID
    for a step that does not divide an hour)."""
    cleaned: dict[str, object] = {}
    errors: dict[str, ValidationError] = {}
    for field, value in dict(changes).items():
        try:
            cleaned[field] = _clean(field, value)
        except ValidationError as exc:
            errors[field] = exc
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        profile = SpaProfile.objects.select_for_update().get(pk=SpaProfile.SINGLETON_ID)
        changed = apply_changes(profile, cleaned)
        if changed:
            profile.save(update_fields=[*changed, "updated_at"])
    return profile


def _clean(field: str, value: object) -> object:
    if field in _TEXT_FIELDS:
        text = str(value).strip()
        return _TEXT_FIELDS[field](text) if text else ""
    if field == "online_booking_enabled":
        return bool(value)
    if field in _NUMBER_FIELDS:
        low, high, unit = _NUMBER_FIELDS[field]
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            return value
        raise field_error(
            ProfileErrorCode.OUT_OF_RANGE, f"Use a whole number of {unit} from {low} to {high:,}."
        )
    if field == "slot_granularity_minutes":
        if value in SLOT_GRANULARITIES and not isinstance(value, bool):
            return value
        steps = ", ".join(str(step) for step in SLOT_GRANULARITIES)
        raise field_error(
            ProfileErrorCode.GRANULARITY_INVALID, f"Offer times every {steps} minutes."
        )
    raise TypeError(f"profile_update() got an unexpected field {field!r}")


def _clean_email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise field_error(ProfileErrorCode.EMAIL_INVALID, "Enter a valid email address.") from None
    return value.lower()


def _clean_url(value: str) -> str:
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        raise field_error(
            ProfileErrorCode.URL_INVALID, "Enter a full web address (https://...)."
        ) from None
    return value


def _clean_policy(value: str) -> str:
    if len(value) > 5000:
        raise field_error(
            ProfileErrorCode.TOO_LONG, "Keep the booking policy under 5,000 characters."
        )
    return value


def _clean_color(value: str) -> str:
    if not _HEX_COLOR.match(value):
        raise field_error(ProfileErrorCode.COLOR_INVALID, "Use a colour like #AA5500.")
    return value.upper()


# The text fields and their checks (an empty string clears a field).
_TEXT_FIELDS: dict[str, Callable[[str], str]] = {
    "contact_email": _clean_email,
    "contact_phone": phone_to_e164,
    "website": _clean_url,
    "booking_policy": _clean_policy,
    "brand_color": _clean_color,
}
