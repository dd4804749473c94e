"""Locations, their opening hours, resource types and resources (rooms and
devices) in the spa API."""

from typing import ClassVar

import graphene
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode
from tenant_apps.locations.errors import LocationErrorCode
from tenant_apps.locations.models import (
    Location,
    LocationHours,
    Resource,
    ResourceKind,
    ResourceType,
)

# The enum keeps the name it had when scheduling held locations (the API does not change).
LocationErrorCodeEnum, LocationError = error_type("Scheduling", LocationErrorCode)

ResourceKindEnum = graphene.Enum.from_enum(ResourceKind, description="A room, or a device.")

WEEKDAY_DESCRIPTION = "ISO weekday: 1 is Monday, 7 is Sunday."


class ResourceTypeNode(DjangoObjectType):
    """A kind of room or device that a service can need ("Treatment room", "CO2 laser")."""

    class Meta:
        model = ResourceType
        name = "ResourceType"
        interfaces = (SpaNode,)
        fields = ("name",)

    kind = graphene.Field(ResourceKindEnum, required=True)

    # What the resolvers read (core/graphql/projection.py).
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {"kind": ("kind",)}

    @staticmethod
    def resolve_kind(root, info):
        return root.kind


class ResourceTypeConnection(CountableConnection):
    class Meta:
        node = ResourceTypeNode


class LocationHoursNode(DjangoObjectType):
    """One opening interval of a location on a weekday, in the location's local
    wall time. A day may have several (closed over lunch); a day with none is closed."""

    class Meta:
        model = LocationHours
        name = "LocationHours"
        interfaces = (SpaNode,)
        fields = ("weekday", "opens_at", "closes_at")
        convert_choices_to_enum = False

    weekday = graphene.Int(required=True, description=WEEKDAY_DESCRIPTION)
    opens_at = graphene.Time(required=True, description="Local wall time.")
    closes_at = graphene.Time(required=True, description="Local wall time, after `opensAt`.")


class LocationNode(DjangoObjectType):
    """A place where the spa sees clients, with its own timezone and opening hours."""

    class Meta:
        model = Location
        name = "Location"
        interfaces = (SpaNode,)
        fields = (
            "name",
            "address_line1",
            "address_line2",
            "city",
            "region",
            "postal_code",
            "country",
            "timezone",
            "phone",
            "is_active",
        )

    name = graphene.String(required=True, description="Unique in the spa, ignoring case.")
    address_line1 = graphene.String(required=True, description="May be empty.")
    address_line2 = graphene.String(required=True, description="May be empty.")
    city = graphene.String(required=True, description="May be empty.")
    region = graphene.String(required=True, description="State, province or county; may be empty.")
    postal_code = graphene.String(required=True, description="May be empty.")
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2 code, e.g. US.")
    timezone = graphene.String(
        required=True,
        description="IANA name, e.g. America/New_York: opening and working hours here are "
        "wall times in it.",
    )
    phone = graphene.String(required=True, description="E.164, or empty.")
    is_active = graphene.Boolean(
        required=True, description="False: closed, kept for the record and not offered."
    )
    hours = graphene.List(
        graphene.NonNull(LocationHoursNode),
        required=True,
        description="Weekly opening hours, by weekday and time.",
    )

    # core/graphql/projection.py: prefetched by the location's key.
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {"hours": ()}

    @staticmethod
    def resolve_hours(root, info):
        # Lists prefetch these (tenant_apps/locations/selectors.py).
        return root.hours.all()


class LocationConnection(CountableConnection):
    """A page of locations."""

    class Meta:
        node = LocationNode


class ResourceNode(DjangoObjectType):
    """A room or a device at a location ("Treatment room 2", "CO2 laser"), of a kind
    services can need. Retired ones are inactive; appointments keep them."""

    class Meta:
        model = Resource
        name = "Resource"
        interfaces = (SpaNode,)
        fields = ("name", "is_active")

    name = graphene.String(required=True, description="Unique at its location, ignoring case.")
    kind = graphene.Field(ResourceKindEnum, required=True, description="Its type's kind.")
    resource_type = graphene.Field(ResourceTypeNode, required=True, description="What it is.")
    location = graphene.Field(LocationNode, required=True, description="Where it is.")
    is_active = graphene.Boolean(
        required=True, description="False: retired, kept for the record and not booked."
    )

    # What the resolvers read (core/graphql/projection.py).
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {
        "kind": ("resource_type__kind",),
        "resource_type": ("resource_type",),
        "location": ("location",),
    }

    # Lists join the type and the location (tenant_apps/locations/selectors.py); so do the
    # appointments that hold resources (tenant_apps/scheduling/selectors/appointments.py).
    @staticmethod
    def resolve_kind(root, info):
        return root.resource_type.kind

    @staticmethod
    def resolve_resource_type(root, info):
        return root.resource_type

    @staticmethod
    def resolve_location(root, info):
        return root.location


class ResourceConnection(CountableConnection):
    """A page of rooms and devices."""

    class Meta:
        node = ResourceNode
