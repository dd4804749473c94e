"""Changes to the current spa's profile."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction

from tenant_apps.profile.models import SpaProfile

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
) -> SpaProfile:
    """Change the given fields of the current spa's profile; an empty string clears one."""
    changes: dict[str, str] = {}
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
