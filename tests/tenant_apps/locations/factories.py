"""factory_boy factories for locations, opening hours, resource types and
resources; use them on a spa's schema (`on_spa(spa)` or `@pytest.mark.spa`)."""

from collections.abc import Iterator
from contextlib import contextmanager

import factory

from tenant_apps.locations.models import (
    Location,
    LocationHours,
    Resource,
    ResourceKind,
    ResourceType,
)
from tenants.db import connection
from tenants.models import Spa


@contextmanager
def on_spa(spa: Spa) -> Iterator[None]:
    """Run the block on `spa`'s schema (global IDs minted inside belong to it)."""
    connection.set_tenant(spa)
    try:
        yield
    finally:
        connection.set_schema_to_public()


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Location {n:03}")
    city = "New York"
    region = "NY"
    country = "US"
    timezone = "America/New_York"


class LocationHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocationHours

    location = factory.SubFactory(LocationFactory)
    weekday = 1
    opens_at = "09:00"
    closes_at = "17:00"


class ResourceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceType

    name = factory.Sequence(lambda n: f"Room {n:03}")
    kind = ResourceKind.ROOM


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    location = factory.SubFactory(LocationFactory)
    resource_type = factory.SubFactory(ResourceTypeFactory)
    name = factory.Sequence(lambda n: f"Treatment room {n:03}")
