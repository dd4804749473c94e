"""Writes for locations and their opening hours.

Bad input raises ValidationError({field: ValidationError(message, code=...)}),
every field's error at once, with codes from `LocationErrorCode`
(tenant_apps/locations/errors.py). Nothing is deleted: a location closes by
becoming inactive.

The spa's plan may cap its active locations (`Plan.max_locations`): opening one
more, or reopening a closed one, past the cap is PLAN_LIMIT_REACHED.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

import phonenumbers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from core.errors import field_error
from core.updates import apply_changes
from shared_apps.billing.selectors import spa_plan_limits
from tenant_apps.locations.errors import LocationErrorCode
from tenant_apps.locations.models import Location, LocationHours
from tenant_apps.locations.services.common import clean_name, not_found, row
from tenant_apps.locations.weekly import WeeklyInterval, weekly_intervals_check
from tenant_apps.profile.services import phone_to_e164
from tenants.db import connection
from tenants.locks import lock_key
from tenants.models import Spa
from tenants.validators import validate_timezone

# Optional text fields of a location and their longest value.
ADDRESS_FIELDS = {
    "address_line1": 200,
    "address_line2": 200,
    "city": 100,
    "region": 100,
    "postal_code": 20,
}


def _clean_location(
    fields: dict[str, Any], *, location: Location | None
) -> tuple[dict[str, Any], dict[str, ValidationError]]:
    """The cleaned values of the `fields` given (None: not given), and the errors."""
    given = {field: value for field, value in fields.items() if value is not None}
    clean: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    if "name" in given:
        try:
            clean["name"] = clean_name(
                given["name"],
                among=Location.objects.all(),
                exclude_pk=location.pk if location else None,
            )
        except ValidationError as exc:
            errors["name"] = exc
    if "timezone" in given:
        timezone = given["timezone"].strip()
        try:
            validate_timezone(timezone)
            clean["timezone"] = timezone
        except ValidationError as exc:
            errors["timezone"] = exc
    if "country" in given:
        country = given["country"].strip().upper()
        if country in phonenumbers.SUPPORTED_REGIONS:
            clean["country"] = country
        else:
            errors["country"] = field_error(
                LocationErrorCode.COUNTRY_INVALID,
                "Use the country's two-letter ISO code, such as US.",
            )
    if "phone" in given:
        # A national number is read against the location's country.
        region = clean.get("country") or (location.country if location else "US")
        phone = given["phone"].strip()
        try:
            clean["phone"] = phone_to_e164(phone, region=region) if phone else ""
        except ValidationError as exc:
            errors["phone"] = exc
    for field, limit in ADDRESS_FIELDS.items():
        if field in given:
            text = given[field].strip()
            if len(text) > limit:
                errors[field] = field_error(
                    LocationErrorCode.TOO_LONG, f"Keep this under {limit} characters."
                )
            clean[field] = text
    if "is_active" in given:
        clean["is_active"] = bool(given["is_active"])
    return clean, errors


def _current_spa_id() -> int:
    tenant = getattr(connection, "tenant", None)
    spa_id = getattr(tenant, "pk", None)
    if spa_id is None:
        # schema_context() puts a stand-in tenant on the connection: only a schema name.
        spa_id = (
            Spa.objects.filter(schema_name=connection.schema_name)
            .values_list("pk", flat=True)
            .first()
        )
    if spa_id is None:
        raise RuntimeError("Locations are written with the connection on a spa's schema.")
    return int(spa_id)


def _active_location_allowed() -> None:
    """PLAN_LIMIT_REACHED if the spa's plan caps its active locations and the spa
    has that many already. Call inside the transaction that makes one active.

    Two requests counting at once would both see room for one more, and a row
    lock cannot stop that (the rows that would conflict do not exist yet), so
    the count waits for a transaction-scoped advisory lock, one per spa schema:
    whoever opens a location in the spa first commits (or rolls back) before the
    next one counts. Only spas whose plan has a cap take it.
    """
    limit = spa_plan_limits(spa_id=_current_spa_id()).max_locations
    if limit is None:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)",
            [lock_key(f"active-locations:{connection.schema_name}")],
        )
    if Location.objects.filter(is_active=True).count() >= limit:
        noun = "location" if limit == 1 else "locations"
        raise field_error(
            LocationErrorCode.PLAN_LIMIT_REACHED,
            f"Your plan allows {limit} active {noun}. Upgrade the plan or close a location first.",
            NON_FIELD_ERRORS,
        )


def location_create(
    *,
    name: str,
    timezone: str,
    address_line1: str = "",
    address_line2: str = "",
    city: str = "",
    region: str = "",
    postal_code: str = "",
    country: str = "US",
    phone: str = "",
    is_active: bool = True,
) -> Location:
    """Open a new location. Its timezone is an IANA name: opening and working
    hours there are wall times in it. An active one counts toward the plan's
    location limit (PLAN_LIMIT_REACHED at the limit); an inactive one does not."""
    with transaction.atomic():
        clean, errors = _clean_location(
            {
                "name": name,
                "timezone": timezone,
                "address_line1": address_line1,
                "address_line2": address_line2,
                "city": city,
                "region": region,
                "postal_code": postal_code,
                "country": country,
                "phone": phone,
                "is_active": is_active,
            },
            location=None,
        )
        if errors:
            raise ValidationError(errors)
        if clean.get("is_active", True):  # left out: the model opens it
            _active_location_allowed()
        return Location.objects.create(**clean)


class LocationChanges(TypedDict, total=False):
    name: str
    timezone: str
    address_line1: str
    address_line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str
    is_active: bool


def location_update(*, location_id: int | None, **changes: Unpack[LocationChanges]) -> Location:
    """Change the given fields of a location (core/updates.py; an empty string
    clears an optional one). Inactive locations stay on record, closed; reopening
    one counts toward the plan's location limit (PLAN_LIMIT_REACHED at the limit)."""
    with transaction.atomic():
        location = row(Location.objects.select_for_update(), location_id)
        if location is None:
            raise not_found("id", "location")
        clean, errors = _clean_location(dict(changes), location=location)
        if errors:
            raise ValidationError(errors)
        if clean.get("is_active") and not location.is_active:
            _active_location_allowed()
        changed = apply_changes(location, clean)
        if changed:
            location.save(update_fields=[*changed, "updated_at"])
    return location


def location_hours_set(*, location_id: int | None, hours: Sequence[WeeklyInterval]) -> Location:
    """Replace a location's whole weekly opening hours (local wall times). A day
    with no interval is closed; several intervals a day close over lunch."""
    with transaction.atomic():
        # Locked, so two managers saving the week at once apply one after the other.
        location = row(Location.objects.select_for_update(), location_id)
        if location is None:
            raise not_found("location_id", "location")
        errors = weekly_intervals_check(hours)
        if errors:
            raise ValidationError({"hours": errors})
        LocationHours.objects.filter(location=location).delete()
        LocationHours.objects.bulk_create(
            LocationHours(
                location=location,
                weekday=interval.weekday,
                opens_at=interval.starts_at,
                closes_at=interval.ends_at,
            )
            for interval in hours
        )
    return location
