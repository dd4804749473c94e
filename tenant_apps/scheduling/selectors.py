from __future__ import annotations

from django.db.models import QuerySet

from tenant_apps.scheduling.models import Location, ResourceType


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
