"""Cleaning client fields: each function returns the stored form or raises a
refusal (`field_error`) with the field's `ClientErrorCode`. Messages never
repeat the value (PHI)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from core.errors import field_error
from tenant_apps.clients.errors import ClientErrorCode
from tenant_apps.profile.services import phone_to_e164

NAME_MAX = 100
LIST_ITEM_MAX = 200
LIST_MAX_ITEMS = 50
TAG_MAX = 40
TAGS_MAX = 20
NOTES_MAX = 10_000
ADDRESS_MAX = {"address_line1": 200, "address_line2": 200, "city": 100, "region": 100}
POSTAL_CODE_MAX = 20
# The column's length (validate_email alone lets longer addresses through).
EMAIL_MAX = 254


def clean_name(value: str, *, required: bool) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise field_error(ClientErrorCode.NAME_REQUIRED, "Enter a first name.")
    if len(text) > NAME_MAX:
        raise field_error(ClientErrorCode.TOO_LONG, f"Keep names under {NAME_MAX} characters.")
    return text


def clean_email(value: str) -> str:
    text = (value or "").strip().lower()
    if not text:
        return ""
    try:
        validate_email(text)
    except ValidationError:
        raise field_error(ClientErrorCode.EMAIL_INVALID, "Enter a valid email address.") from None
    if len(text) > EMAIL_MAX:
        raise field_error(ClientErrorCode.EMAIL_INVALID, "Enter a valid email address.")
    return text


def clean_phone(value: str, *, region: str | None) -> str:
    text = (value or "").strip()
    return phone_to_e164(text, region=region) if text else ""


def clean_date_of_birth(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        raise field_error(
            ClientErrorCode.DATE_OF_BIRTH_IN_FUTURE, "The date of birth is in the future."
        )
    if value < datetime.date(1900, 1, 1):
        raise field_error(
            ClientErrorCode.DATE_OF_BIRTH_INVALID, "Enter a date of birth after 1900."
        )
    return value


def clean_country(value: str) -> str:
    text = (value or "").strip().upper()
    if text and text not in phonenumbers.SUPPORTED_REGIONS:
        raise field_error(
            ClientErrorCode.COUNTRY_INVALID, "Use a two-letter country code, such as US."
        )
    return text


def clean_text(value: str, *, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise field_error(ClientErrorCode.TOO_LONG, f"Keep this under {limit:,} characters.")
    return text


def clean_list(
    values: Iterable[str], *, item_max: int = LIST_ITEM_MAX, items_max: int = LIST_MAX_ITEMS
) -> list[str]:
    """Trimmed, without blanks or case-insensitive repeats, in the given order."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for value in values:
        text = " ".join(str(value).split())
        if not text or text.casefold() in seen:
            continue
        if len(text) > item_max:
            raise field_error(
                ClientErrorCode.LIST_INVALID, f"Keep each entry under {item_max} characters."
            )
        seen.add(text.casefold())
        cleaned.append(text)
    if len(cleaned) > items_max:
        raise field_error(ClientErrorCode.LIST_INVALID, f"Keep this list to {items_max} entries.")
    return cleaned


def merge_lists(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Both lists, first's order first, without case-insensitive repeats; no limits
    (a merge must not drop an allergy)."""
    return clean_list([*first, *second], item_max=10_000, items_max=10_000)
