"""Writes for locations, their opening hours, resource types, and the rooms and
devices (resources) at each location.

Bad input raises ValidationError({field: ValidationError(message, code=...)}),
every field's error at once, with codes from `LocationErrorCode`
(tenant_apps/locations/errors.py). Nothing is deleted: a location closes by becoming inactive.

The spa's plan may cap its active locations (`Plan.max_locations`): opening one
more, or reopening a closed one, past the cap is PLAN_LIMIT_REACHED.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import phonenumbers
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from core.errors import field_error
from core.updates import apply_changes
from shared_apps.billing.selectors import spa_plan_limits
from tenant_apps.locations.errors import LocationErrorCode
from tenant_apps.locations.models import (
    Location,
    LocationHours,
    Resource,
    ResourceKind,
    ResourceType,
)
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

M = TypeVar("M", bound=Model)


def _row(queryset: QuerySet[M], pk: int | None) -> M | None:
    """The row with primary key `pk`, or None (also for a None `pk`: an ID that
    named nothing in this spa)."""
    return None if pk is None else queryset.filter(pk=pk).first()


def _not_found(field: str, what: str) -> ValidationError:
    return field_error(LocationErrorCode.NOT_FOUND, f"No such {what}.", field)


def _clean_name(
    value: str, *, model: type[Location] | type[ResourceType], exclude_pk: int | None
) -> str:
    name = (value or "").strip()
    limit = model._meta.get_field("name").max_length or 0
    if not name:
        raise field_error(LocationErrorCode.NAME_REQUIRED, "Enter a name.")
    if len(name) > limit:
        raise field_error(
            LocationErrorCode.NAME_TOO_LONG, f"Keep the name under {limit} characters."
        )
    # Case-insensitive: "Downtown" and "downtown" on one calendar would confuse everyone.
    same_name = model.objects.filter(name__iexact=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise field_error(LocationErrorCode.NAME_TAKEN, "That name is already used.")
    return name


def _clean_location(
    fields: dict[str, Any], *, location: Location | None
) -> tuple[dict[str, Any], dict[str, ValidationError]]:
    """The cleaned values of the `fields` given (None: not given), and the errors."""
    given = {field: value for field, value in fields.items() if value is not None}
    clean: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    if "name" in given:
        try:
            clean["name"] = _clean_name(
                given["name"], model=Location, exclude_pk=location.pk if location else None
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


def location_update(
    *,
    location_id: int | None,
    name: str | None = None,
    timezone: str | None = None,
    address_line1: str | None = None,
    address_line2: str | None = None,
    city: str | None = None,
    region: str | None = None,
    postal_code: str | None = None,
    country: str | None = None,
    phone: str | None = None,
    is_active: bool | None = None,
) -> Location:
    """Change the given fields of a location (None: unchanged; an empty string
    clears an optional one). Inactive locations stay on record, closed; reopening
    one counts toward the plan's location limit (PLAN_LIMIT_REACHED at the limit)."""
    with transaction.atomic():
        location = _row(Location.objects.select_for_update(), location_id)
        if location is None:
            raise _not_found("id", "location")
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
            location=location,
        )
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
        location = _row(Location.objects.select_for_update(), location_id)
        if location is None:
            raise _not_found("location_id", "location")
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


def _clean_kind(kind: str) -> str:
    if kind not in ResourceKind.values:
        raise field_error(LocationErrorCode.KIND_INVALID, "A resource is a room or a device.")
    return kind


def resource_type_create(*, name: str, kind: str) -> ResourceType:
    """Add a kind of room or device that services can require."""
    errors: dict[str, ValidationError] = {}
    values: dict[str, str] = {}
    try:
        values["name"] = _clean_name(name, model=ResourceType, exclude_pk=None)
    except ValidationError as exc:
        errors["name"] = exc
    try:
        values["kind"] = _clean_kind(kind)
    except ValidationError as exc:
        errors["kind"] = exc
    if errors:
        raise ValidationError(errors)
    return ResourceType.objects.create(**values)


def resource_type_update(
    *, resource_type_id: int | None, name: str | None = None, kind: str | None = None
) -> ResourceType:
    """Rename a resource type or change its kind (None: unchanged)."""
    with transaction.atomic():
        resource_type = _row(ResourceType.objects.select_for_update(), resource_type_id)
        if resource_type is None:
            raise _not_found("id", "resource type")
        errors: dict[str, ValidationError] = {}
        changes: dict[str, str] = {}
        if name is not None:
            try:
                changes["name"] = _clean_name(name, model=ResourceType, exclude_pk=resource_type.pk)
            except ValidationError as exc:
                errors["name"] = exc
        if kind is not None:
            try:
                changes["kind"] = _clean_kind(kind)
            except ValidationError as exc:
                errors["kind"] = exc
        if errors:
            raise ValidationError(errors)
        changed = apply_changes(resource_type, changes)
        if changed:
            resource_type.save(update_fields=changed)
    return resource_type


def _clean_resource_name(value: str, *, location_id: int, exclude_pk: int | None) -> str:
    name = (value or "").strip()
    limit = Resource._meta.get_field("name").max_length or 0
    if not name:
        raise field_error(LocationErrorCode.NAME_REQUIRED, "Enter a name.")
    if len(name) > limit:
        raise field_error(
            LocationErrorCode.NAME_TOO_LONG, f"Keep the name under {limit} characters."
        )
    # Unique within the location, ignoring case, as the database holds it.
    same_name = Resource.objects.filter(location_id=location_id, name__iexact=name)
    if exclude_pk is not None:
        same_name = same_name.exclude(pk=exclude_pk)
    if same_name.exists():
        raise field_error(LocationErrorCode.NAME_TAKEN, _NAME_TAKEN)
    return name


_NAME_TAKEN = "That name is already used at this location."


def _saved(resource: Resource, *, update_fields: list[str] | None = None) -> Resource:
    """Save (only `update_fields` when given), turning a lost race for the name
    into NAME_TAKEN."""
    try:
        with transaction.atomic():
            resource.save(update_fields=update_fields)
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint != "resource_name_unique_in_location_ci":
            raise
        raise field_error(LocationErrorCode.NAME_TAKEN, _NAME_TAKEN, "name") from exc
    return resource


def resource_create(
    *,
    location_id: int | None,
    resource_type_id: int | None,
    name: str,
    is_active: bool = True,
) -> Resource:
    """Add a room or device at a location, of a type services can require. A
    location not yet open (inactive) may be furnished before it opens."""
    errors: dict[str, ValidationError] = {}
    location = _row(Location.objects.all(), location_id)
    if location is None:
        errors["location_id"] = field_error(LocationErrorCode.NOT_FOUND, "No such location.")
    resource_type = _row(ResourceType.objects.all(), resource_type_id)
    if resource_type is None:
        errors["resource_type_id"] = field_error(
            LocationErrorCode.NOT_FOUND, "No such resource type."
        )
    clean_name = ""
    if location is not None:
        try:
            clean_name = _clean_resource_name(name, location_id=location.pk, exclude_pk=None)
        except ValidationError as exc:
            errors["name"] = exc
    if errors:
        raise ValidationError(errors)
    return _saved(
        Resource(
            location=location,
            resource_type=resource_type,
            name=clean_name,
            is_active=bool(is_active),
        )
    )


def resource_update(
    *,
    resource_id: int | None,
    name: str | None = None,
    resource_type_id: int | None = None,
    is_active: bool | None = None,
) -> Resource:
    """Rename a room or device, change its type, or retire it (`is_active=False`:
    no longer offered; appointments already holding it keep it). None: unchanged.

    A resource stays at its location: the appointments holding it were planned
    there. Its type cannot change while upcoming appointments hold it, since they
    chose it for the type their services need (IN_USE).
    """
    with transaction.atomic():
        resource = _row(Resource.objects.select_for_update(), resource_id)
        if resource is None:
            raise _not_found("id", "resource")
        errors: dict[str, ValidationError] = {}
        changes: dict[str, Any] = {}
        new_type: ResourceType | None = None
        if name is not None:
            try:
                changes["name"] = _clean_resource_name(
                    name, location_id=resource.location_id, exclude_pk=resource.pk
                )
            except ValidationError as exc:
                errors["name"] = exc
        if resource_type_id is not None and resource_type_id != resource.resource_type_id:
            resource_type = _row(ResourceType.objects.all(), resource_type_id)
            if resource_type is None:
                errors["resource_type_id"] = field_error(
                    LocationErrorCode.NOT_FOUND, "No such resource type."
                )
            # The calendar's bookings of it, through the relation (the calendar
            # builds on locations, not the other way round).
            elif resource.bookings.filter(
                holds_time=True, blocked_until__gt=timezone.now()
            ).exists():
                errors["resource_type_id"] = field_error(
                    LocationErrorCode.IN_USE,
                    "Upcoming appointments hold this resource for its current type; "
                    "move them first.",
                )
            else:
                new_type = resource_type
                changes["resource_type_id"] = new_type.pk
        if is_active is not None:
            changes["is_active"] = bool(is_active)
        if errors:
            raise ValidationError(errors)
        changed = apply_changes(resource, changes)
        if new_type is not None and "resource_type_id" in changed:
            resource.resource_type = new_type  # what the answer shows, without a query
        if not changed:
            return resource
        return _saved(resource, update_fields=[*changed, "updated_at"])
