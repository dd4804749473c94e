"""Reads of locations, their opening hours, resource types and resources."""

from __future__ import annotations

from django.db.models import QuerySet

from tenant_apps.locations.models import Location, Resource, ResourceType


def resource_type_list(*, kind: str | None = None) -> QuerySet[ResourceType]:
    resource_types = ResourceType.objects.all()
    if kind is not None:
        resource_types = resource_types.filter(kind=kind)
    return resource_types


def location_list(*, active: bool | None = None, with_hours: bool = False) -> QuerySet[Location]:
    """Locations (all, or the open or closed ones), with their opening hours
    fetched in one more query when asked for."""
    locations = Location.objects.all()
    if active is not None:
        locations = locations.filter(is_active=active)
    if with_hours:
        locations = locations.prefetch_related("hours")
    return locations


def resource_list(
    *,
    location_id: int | None = None,
    resource_type_id: int | None = None,
    active: bool | None = None,
) -> QuerySet[Resource]:
    """Rooms and devices, with their location and type (one query)."""
    resources = Resource.objects.select_related("location", "resource_type")
    if location_id is not None:
        resources = resources.filter(location_id=location_id)
    if resource_type_id is not None:
        resources = resources.filter(resource_type_id=resource_type_id)
    if active is not None:
        resources = resources.filter(is_active=active)
    return resources
