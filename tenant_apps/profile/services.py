"""Changes to the current spa's profile: contact details and the online booking policy."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from tenant_apps.profile.models import (
    MAX_CANCELLATION_WINDOW_HOURS,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
    SLOT_GRANULARITIES,
    SpaProfile,
)

_UNSET = object()
_HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def phone_to_e164(value: str, *, region: str | None = None) -> str:
    """Normalise a phone number to E.164, or raise PHONE_INVALID."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            "Enter a valid phone number, with its country code.", code="PHONE_INVALID"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def profile_update(
    *,
    contact_email: str | object = _UNSET,
    contact_phone: str | object = _UNSET,
    website: str | object = _UNSET,
    booking_policy: str | object = _UNSET,
    brand_color: str | object = _UNSET,
    online_booking_enabled: bool | object = _UNSET,
    min_notice_minutes: int | object = _UNSET,
    booking_horizon_days: int | object = _UNSET,
    cancellation_window_hours: int | object = _UNSET,
    slot_granularity_minutes: int | object = _UNSET,
) -> SpaProfile:
    """Change the given fields of the current spa's profile; an empty string clears
    a text field. The booking policy's numbers must lie in the limits of
    profile/models.py (OUT_OF_RANGE; GRANULARITY_INVALID for a step that does
    not divide an hour)."""
    changes: dict[str, object] = {}
    errors: dict[str, ValidationError] = {}

    def check(field: str, value: object, clean) -> None:
        if value is _UNSET:
            return
        text = str(value).strip()
        try:
            changes[field] = clean(text) if text else ""
        except ValidationError as exc:
            errors[field] = exc

    check("contact_email", contact_email, _clean_email)
    check("contact_phone", contact_phone, phone_to_e164)
    check("website", website, _clean_url)
    check("booking_policy", booking_policy, _clean_policy)
    check("brand_color", brand_color, _clean_color)
    if online_booking_enabled is not _UNSET:
        changes["online_booking_enabled"] = bool(online_booking_enabled)
    for field, value, low, high, unit in (
        ("min_notice_minutes", min_notice_minutes, 0, MAX_NOTICE_MINUTES, "minutes"),
        ("booking_horizon_days", booking_horizon_days, 1, MAX_HORIZON_DAYS, "days"),
        (
            "cancellation_window_hours",
            cancellation_window_hours,
            0,
            MAX_CANCELLATION_WINDOW_HOURS,
            "hours",
        ),
    ):
        if value is _UNSET:
            continue
        if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
            changes[field] = value
        else:
            errors[field] = ValidationError(
                f"Use a whole number of {unit} from {low} to {high:,}.", code="OUT_OF_RANGE"
            )
    if slot_granularity_minutes is not _UNSET:
        if slot_granularity_minutes in SLOT_GRANULARITIES and not isinstance(
            slot_granularity_minutes, bool
        ):
            changes["slot_granularity_minutes"] = slot_granularity_minutes
        else:
            steps = ", ".join(str(step) for step in SLOT_GRANULARITIES)
            errors["slot_granularity_minutes"] = ValidationError(
                f"Offer times every {steps} minutes.", code="GRANULARITY_INVALID"
            )
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        profile = SpaProfile.objects.select_for_update().get(pk=SpaProfile.SINGLETON_ID)
        for field, value in changes.items():
            setattr(profile, field, value)
        profile.save()
    return profile


def _clean_email(value: str) -> str:
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationError("Enter a valid email address.", code="EMAIL_INVALID") from None
    return value.lower()


def _clean_url(value: str) -> str:
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        raise ValidationError(
            "Enter a full web address (https://...).", code="URL_INVALID"
        ) from None
    return value


def _clean_policy(value: str) -> str:
    if len(value) > 5000:
        raise ValidationError("Keep the booking policy under 5,000 characters.", code="TOO_LONG")
    return value


def _clean_color(value: str) -> str:
    if not _HEX_COLOR.match(value):
        raise ValidationError("Use a colour like #AA5500.", code="COLOR_INVALID")
    return value.upper()
