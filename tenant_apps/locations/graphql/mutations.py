"""Managing locations, their opening hours, resource types and resources (rooms
and devices): owners and managers. Nothing is deleted; `isActive: false` closes
a location or retires a resource and keeps it for the appointments that name it.

Updates change only the input fields given; a field given as null is left as it is.
"""

import graphene

from core.errors import field_error
from core.graphql.arguments import given_fields, record_pk
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MANAGERS
from tenant_apps.locations.errors import LocationErrorCode
from tenant_apps.locations.graphql.types import (
    WEEKDAY_DESCRIPTION,
    LocationError,
    LocationNode,
    ResourceKindEnum,
    ResourceNode,
    ResourceTypeNode,
)
from tenant_apps.locations.services.locations import (
    location_create,
    location_hours_set,
    location_update,
)
from tenant_apps.locations.services.resources import (
    resource_create,
    resource_type_create,
    resource_type_update,
    resource_update,
)
from tenant_apps.locations.weekly import WeeklyInterval


class LocationMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(LocationErrorCode)
    errors = graphene.List(
        graphene.NonNull(LocationError),
        required=True,
        description="Why nothing was changed; empty on success.",
    )


# Inputs. An update input makes every field optional; its create input extends it
# and requires what a record cannot do without.

_NAME = "Unique in the spa, ignoring case."
_TIMEZONE = "IANA name, e.g. America/New_York."
_PHONE = "E.164, or national to the location's country; empty to clear."


class UpdateLocationInput(graphene.InputObjectType):
    """The fields of a location to change (an empty string clears an optional one)."""

    name = graphene.String(description=_NAME)
    address_line1 = graphene.String(description="Street and number.")
    address_line2 = graphene.String(description="Suite, floor.")
    city = graphene.String(description="Town or city.")
    region = graphene.String(description="State, province or county.")
    postal_code = graphene.String(description="ZIP or postal code.")
    country = graphene.String(description="ISO 3166-1 alpha-2 code; new locations: US.")
    timezone = graphene.String(description=_TIMEZONE)
    phone = graphene.String(description=_PHONE)
    is_active = graphene.Boolean(description="False closes the location; new locations: true.")


class CreateLocationInput(UpdateLocationInput):
    """A new location."""

    name = graphene.String(required=True, description=_NAME)
    timezone = graphene.String(required=True, description=_TIMEZONE)


class LocationHoursInput(graphene.InputObjectType):
    """One opening interval, in the location's local wall time."""

    weekday = graphene.Int(required=True, description=WEEKDAY_DESCRIPTION)
    opens_at = graphene.Time(required=True, description="Local wall time, e.g. 09:00:00.")
    closes_at = graphene.Time(required=True, description="Local wall time, after `opensAt`.")


class UpdateResourceTypeInput(graphene.InputObjectType):
    """The fields of a resource type to change."""

    name = graphene.String(description=_NAME)
    kind = ResourceKindEnum(description="A room, or a device.")


class CreateResourceTypeInput(UpdateResourceTypeInput):
    """A new kind of room or device."""

    name = graphene.String(required=True, description=_NAME)
    kind = ResourceKindEnum(required=True, description="A room, or a device.")


class UpdateResourceInput(graphene.InputObjectType):
    """The fields of a room or device to change (it stays at its location)."""

    name = graphene.String(description="Unique at its location, ignoring case.")
    resource_type_id = graphene.ID(
        description="Its ResourceType; not while upcoming appointments hold it."
    )
    is_active = graphene.Boolean(description="False retires it; new resources: true.")


class CreateResourceInput(UpdateResourceInput):
    """A new room or device."""

    location_id = graphene.ID(required=True, description="The Location it is at.")
    name = graphene.String(required=True, description="Unique at its location, ignoring case.")
    resource_type_id = graphene.ID(required=True, description="Its ResourceType.")


def _resource_type_pk(global_id: str) -> int:
    """The ResourceType's primary key; NOT_FOUND when the ID names none here
    (rather than read as "not given")."""
    pk = pk_from_global_id(global_id, "ResourceType")
    if pk is None:
        raise field_error(LocationErrorCode.NOT_FOUND, "No such resource type.", "resource_type_id")
    return pk


# Mutations


class CreateLocation(LocationMutation):
    """Open a new location. An active one past the plan's limit of active locations:
    PLAN_LIMIT_REACHED."""

    permission = MANAGERS

    class Arguments:
        input = CreateLocationInput(required=True, description="The new location.")

    location = graphene.Field(LocationNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(location=location_create(**given_fields(input)))


class UpdateLocation(LocationMutation):
    """Change a location; `isActive: false` closes it, keeping its records. Reopening
    one past the plan's limit of active locations: PLAN_LIMIT_REACHED."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The Location.")
        input = UpdateLocationInput(required=True, description="The fields to change.")

    location = graphene.Field(LocationNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        location = location_update(location_id=record_pk(id, "Location"), **given_fields(input))
        return cls(location=location)


class SetLocationHours(LocationMutation):
    """Replace a location's whole weekly opening hours. Weekdays left out are closed."""

    permission = MANAGERS

    class Arguments:
        location_id = graphene.ID(required=True, description="The Location.")
        hours = graphene.List(
            graphene.NonNull(LocationHoursInput),
            required=True,
            description="The whole week; none may overlap another.",
        )

    location = graphene.Field(LocationNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, location_id, hours):
        location = location_hours_set(
            location_id=pk_from_global_id(location_id, "Location"),
            hours=[WeeklyInterval(h.weekday, h.opens_at, h.closes_at) for h in hours],
        )
        return cls(location=location)


class CreateResourceType(LocationMutation):
    """Add a kind of room or device that services can need."""

    permission = MANAGERS

    class Arguments:
        input = CreateResourceTypeInput(required=True, description="The new resource type.")

    resource_type = graphene.Field(ResourceTypeNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(resource_type=resource_type_create(**given_fields(input)))


class UpdateResourceType(LocationMutation):
    """Rename a kind of room or device, or change its kind."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The ResourceType.")
        input = UpdateResourceTypeInput(required=True, description="The fields to change.")

    resource_type = graphene.Field(ResourceTypeNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        resource_type = resource_type_update(
            resource_type_id=record_pk(id, "ResourceType"), **given_fields(input)
        )
        return cls(resource_type=resource_type)


class CreateResource(LocationMutation):
    """Add a room or device at a location."""

    permission = MANAGERS

    class Arguments:
        input = CreateResourceInput(required=True, description="The new resource.")

    resource = graphene.Field(ResourceNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        fields = given_fields(input)
        resource = resource_create(
            location_id=pk_from_global_id(fields.pop("location_id"), "Location"),
            resource_type_id=pk_from_global_id(fields.pop("resource_type_id"), "ResourceType"),
            **fields,
        )
        return cls(resource=resource)


class UpdateResource(LocationMutation):
    """Rename a room or device, change its type, or retire it (`isActive: false`)."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The Resource.")
        input = UpdateResourceInput(required=True, description="The fields to change.")

    resource = graphene.Field(ResourceNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        fields = given_fields(input)
        resource_pk = record_pk(id, "Resource")
        if "resource_type_id" in fields:
            fields["resource_type_id"] = _resource_type_pk(fields["resource_type_id"])
        resource = resource_update(resource_id=resource_pk, **fields)
        return cls(resource=resource)


class LocationMutations(graphene.ObjectType):
    create_location = CreateLocation.Field()
    update_location = UpdateLocation.Field()
    set_location_hours = SetLocationHours.Field()
    create_resource_type = CreateResourceType.Field()
    update_resource_type = UpdateResourceType.Field()
    create_resource = CreateResource.Field()
    update_resource = UpdateResource.Field()
