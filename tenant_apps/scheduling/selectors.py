from __future__ import annotations

from django.db.models import QuerySet

from tenant_apps.scheduling.models import ResourceType


def resource_type_list(*, kind: str | None = None) -> QuerySet[ResourceType]:
    resource_types = ResourceType.objects.all()
    if kind is not None:
        resource_types = resource_types.filter(kind=kind)
    return resource_types
