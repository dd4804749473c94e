"""Writes for resource types (the kinds of room or device services need) and
resources (the rooms and devices at each location).

Bad input raises ValidationError({field: ValidationError(message, code=...)}),
every field's error at once, with codes from `LocationErrorCode`
(tenant_apps/locations/errors.py). Nothing is deleted: a resource retires by
becoming inactive.
"""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import field_error
from core.integrity import violated_constraint
from core.updates import apply_changes
from tenant_apps.locations.errors import LocationErrorCode
from tenant_apps.locations.models import Location, Resource, ResourceKind, ResourceType
from tenant_apps.locations.services.common import clean_name, not_found, row


def _clean_kind(kind: str) -> str:
    if kind not in ResourceKind.values:
        raise field_error(LocationErrorCode.KIND_INVALID, "A resource is a room or a device.")
    return kind


def resource_type_create(*, name: str, kind: str) -> ResourceType:
    """Add a kind of room or device that services can require."""
    errors: dict[str, ValidationError] = {}
    values: dict[str, str] = {}
    try:
        values["name"] = clean_name(name, among=ResourceType.objects.all(), exclude_pk=None)
    except ValidationError as exc:
        errors["name"] = exc
    try:
        values["kind"] = _clean_kind(kind)
    except ValidationError as exc:
        errors["kind"] = exc
    if errors:
        raise ValidationError(errors)
    return ResourceType.objects.create(**values)


class ResourceTypeChanges(TypedDict, total=False):
    name: str
    kind: str


def resource_type_update(
    *, resource_type_id: int | None, **changes: Unpack[ResourceTypeChanges]
) -> ResourceType:
    """Rename a resource type or change its kind (the fields given: core/updates.py)."""
    with transaction.atomic():
        resource_type = row(ResourceType.objects.select_for_update(), resource_type_id)
        if resource_type is None:
            raise not_found("id", "resource type")
        errors: dict[str, ValidationError] = {}
        cleaned: dict[str, str] = {}
        if "name" in changes:
            try:
                cleaned["name"] = clean_name(
                    changes["name"], among=ResourceType.objects.all(), exclude_pk=resource_type.pk
                )
            except ValidationError as exc:
                errors["name"] = exc
        if "kind" in changes:
            try:
                cleaned["kind"] = _clean_kind(changes["kind"])
            except ValidationError as exc:
                errors["kind"] = exc
        if errors:
            raise ValidationError(errors)
        changed = apply_changes(resource_type, cleaned)
        if changed:
            resource_type.save(update_fields=changed)
    return resource_type


_NAME_TAKEN = "That name is already used at this location."


def _clean_resource_name(value: str, *, location_id: int, exclude_pk: int | None) -> str:
    # Unique within the location, ignoring case, as the database holds it.
    return clean_name(
        value,
        among=Resource.objects.filter(location_id=location_id),
        exclude_pk=exclude_pk,
        taken=_NAME_TAKEN,
    )


_NAME_UNIQUE = "resource_name_unique_in_location_ci"


def _saved(resource: Resource, *, update_fields: list[str] | None = None) -> Resource:
    """Save (only `update_fields` when given), turning a lost race for the name
    into NAME_TAKEN."""
    try:
        with transaction.atomic():
            resource.save(update_fields=update_fields)
    except IntegrityError as exc:
        if violated_constraint(exc, [_NAME_UNIQUE]) is None:
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
    location = row(Location.objects.all(), location_id)
    if location is None:
        errors["location_id"] = field_error(LocationErrorCode.NOT_FOUND, "No such location.")
    resource_type = row(ResourceType.objects.all(), resource_type_id)
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


class ResourceChanges(TypedDict, total=False):
    name: str
    resource_type_id: int
    is_active: bool


def resource_update(*, resource_id: int | None, **changes: Unpack[ResourceChanges]) -> Resource:
    """Rename a room or device, change its type, or retire it (`is_active=False`:
    no longer offered; appointments already holding it keep it): the fields given
    (core/updates.py).

    A resource stays at its location: the appointments holding it were planned
    there. Its type cannot change while upcoming appointments hold it, since they
    chose it for the type their services need (IN_USE).
    """
    with transaction.atomic():
        resource = row(Resource.objects.select_for_update(), resource_id)
        if resource is None:
            raise not_found("id", "resource")
        errors: dict[str, ValidationError] = {}
        cleaned: dict[str, Any] = {}
        new_type: ResourceType | None = None
        if "name" in changes:
            try:
                cleaned["name"] = _clean_resource_name(
                    changes["name"], location_id=resource.location_id, exclude_pk=resource.pk
                )
            except ValidationError as exc:
                errors["name"] = exc
        resource_type_id = changes.get("resource_type_id")
        if resource_type_id is not None and resource_type_id != resource.resource_type_id:
            resource_type = row(ResourceType.objects.all(), resource_type_id)
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
                cleaned["resource_type_id"] = new_type.pk
        if "is_active" in changes:
            cleaned["is_active"] = bool(changes["is_active"])
        if errors:
            raise ValidationError(errors)
        changed = apply_changes(resource, cleaned)
        if new_type is not None and "resource_type_id" in changed:
            resource.resource_type = new_type  # what the answer shows, without a query
        if not changed:
            return resource
        return _saved(resource, update_fields=[*changed, "updated_at"])
