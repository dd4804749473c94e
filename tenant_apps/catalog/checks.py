"""Checks of the catalog's fields, for the services. Each returns the value to
store (normalised) or raises a refusal (`field_error`) with the field's
`CatalogErrorCode`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.db import models

from core.errors import field_error
from tenant_apps.catalog.errors import CatalogErrorCode
from tenant_apps.catalog.models import (
    MAX_BUFFER_MINUTES,
    MAX_DURATION_MINUTES,
    SKU_PATTERN,
    SUPPORTED_CURRENCIES,
    Product,
    ProductKind,
    Service,
    ServiceCategory,
)
from tenant_apps.locations.models import ResourceType
from tenant_apps.staff.models import CredentialKind

MAX_DESCRIPTION_LENGTH = 2000
# The largest value of the integer columns (and of a GraphQL Int).
MAX_INT = 2**31 - 1
_SKU = re.compile(SKU_PATTERN)

Cleaner = Callable[[Any], Any]


def _max_length(model: type[models.Model], field: str) -> int:
    column = model._meta.get_field(field)
    assert isinstance(column, models.CharField) and column.max_length is not None
    return column.max_length


MAX_SKU_LENGTH = _max_length(Product, "sku")


def name_cleaner(max_length: int) -> Cleaner:
    def clean(value: str) -> str:
        name = " ".join(str(value).split())
        if not name:
            raise field_error(CatalogErrorCode.NAME_REQUIRED, "Enter a name.")
        if len(name) > max_length:
            raise field_error(
                CatalogErrorCode.NAME_TOO_LONG, f"Keep the name to {max_length} characters."
            )
        return name

    return clean


def clean_description(value: str) -> str:
    text = str(value).strip()
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise field_error(
            CatalogErrorCode.DESCRIPTION_TOO_LONG,
            f"Keep the description to {MAX_DESCRIPTION_LENGTH:,} characters.",
        )
    return text


def clean_duration(value: int) -> int:
    if not 0 < value <= MAX_DURATION_MINUTES:
        raise field_error(
            CatalogErrorCode.DURATION_INVALID,
            f"A service lasts from 1 to {MAX_DURATION_MINUTES} minutes.",
        )
    return value


def clean_buffer(value: int) -> int:
    if not 0 <= value <= MAX_BUFFER_MINUTES:
        raise field_error(
            CatalogErrorCode.BUFFER_INVALID, f"A buffer is from 0 to {MAX_BUFFER_MINUTES} minutes."
        )
    return value


def clean_price(value: int) -> int:
    if value < 0:
        raise field_error(CatalogErrorCode.PRICE_NEGATIVE, "A price cannot be negative.")
    if value > MAX_INT:
        raise field_error(CatalogErrorCode.PRICE_TOO_HIGH, "That price is too high.")
    return value


def clean_currency(value: str) -> str:
    code = str(value).strip().upper()
    if code not in SUPPORTED_CURRENCIES:
        raise field_error(
            CatalogErrorCode.CURRENCY_INVALID, f"Use one of {', '.join(SUPPORTED_CURRENCIES)}."
        )
    return code


def clean_display_order(value: int) -> int:
    if not 0 <= value <= MAX_INT:
        raise field_error(
            CatalogErrorCode.DISPLAY_ORDER_INVALID, "The display order is a number from 0 up."
        )
    return value


def clean_credentials(values: Sequence[str]) -> list[str]:
    given = {str(value) for value in values}
    unknown = sorted(given - set(CredentialKind.values))
    if unknown:
        raise field_error(
            CatalogErrorCode.CREDENTIAL_UNKNOWN, f"Unknown credential: {', '.join(unknown)}."
        )
    # Stored once each, in the declaration order, so equal sets compare equal.
    return [kind for kind in CredentialKind.values if kind in given]


def clean_category(pk: int | None) -> ServiceCategory:
    category = ServiceCategory.objects.filter(pk=pk).first() if pk is not None else None
    if category is None:
        raise field_error(CatalogErrorCode.CATEGORY_NOT_FOUND, "No such service category.")
    return category


def clean_resource_types(pks: Sequence[int | None]) -> list[ResourceType]:
    wanted = set(pks)
    found = ResourceType.objects.in_bulk([pk for pk in wanted if pk is not None])
    if len(found) != len(wanted):
        raise field_error(CatalogErrorCode.RESOURCE_TYPE_NOT_FOUND, "No such room or device type.")
    return list(found.values())


def clean_sku(value: str) -> str:
    sku = str(value).strip()
    if not _SKU.match(sku) or len(sku) > MAX_SKU_LENGTH:
        raise field_error(
            CatalogErrorCode.SKU_INVALID,
            f"A SKU is 1 to {MAX_SKU_LENGTH} letters, digits, '.', '_', '/' or '-',"
            " starting with a letter or digit.",
        )
    return sku


def clean_product_kind(value: str) -> str:
    kind = str(getattr(value, "value", value))
    if kind not in ProductKind.values:
        raise field_error(CatalogErrorCode.KIND_INVALID, "A product is retail or a supply.")
    return kind


# The check of each argument of the services, by argument name.
CATEGORY_FIELDS: dict[str, Cleaner] = {
    "name": name_cleaner(_max_length(ServiceCategory, "name")),
    "description": clean_description,
    "display_order": clean_display_order,
    "is_active": bool,
}
SERVICE_FIELDS: dict[str, Cleaner] = {
    "category_id": clean_category,
    "name": name_cleaner(_max_length(Service, "name")),
    "description": clean_description,
    "duration_minutes": clean_duration,
    "buffer_before_minutes": clean_buffer,
    "buffer_after_minutes": clean_buffer,
    "price_cents": clean_price,
    "currency": clean_currency,
    "required_credentials": clean_credentials,
    "required_resource_type_ids": clean_resource_types,
    "is_bookable_online": bool,
    "is_active": bool,
    "display_order": clean_display_order,
}
PRODUCT_FIELDS: dict[str, Cleaner] = {
    "name": name_cleaner(_max_length(Product, "name")),
    "sku": clean_sku,
    "kind": clean_product_kind,
    "description": clean_description,
    "price_cents": clean_price,
    "currency": clean_currency,
    "is_active": bool,
}
