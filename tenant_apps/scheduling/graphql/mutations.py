"""Managing locations, their opening hours and resource types: owners and
managers. Nothing is deleted; `isActive: false` closes a location and keeps it
for the appointments that name it.

Updates change only the input fields given; a field given as null is left as it is.
"""

import graphene

from config.graphql.arguments import given_fields, record_pk
from config.graphql.mutations import SpaMutation
from config.graphql.permissions import MANAGERS
from config.graphql.relay import pk_from_global_id
from tenant_apps.scheduling import services
from tenant_apps.scheduling.graphql.types import (
    SCHEDULING_ERROR_CODES,
    WEEKDAY_DESCRIPTION,
    LocationNode,
    ResourceKindEnum,
    ResourceTypeNode,
    SchedulingError,
)
from tenant_apps.scheduling.weekly import WeeklyInterval


class SchedulingMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(SCHEDULING_ERROR_CODES)
    errors = graphene.List(
        graphene.NonNull(SchedulingError),
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


# Mutations


class CreateLocation(SchedulingMutation):
    """Open a new location."""

    permission = MANAGERS

    class Arguments:
        input = CreateLocationInput(required=True, description="The new location.")

    location = graphene.Field(LocationNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(location=services.location_create(**given_fields(input)))


class UpdateLocation(SchedulingMutation):
    """Change a location; `isActive: false` closes it, keeping its records."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The Location.")
        input = UpdateLocationInput(required=True, description="The fields to change.")

    location = graphene.Field(LocationNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        location = services.location_update(
            location_id=record_pk(id, "Location"), **given_fields(input)
        )
        return cls(location=location)


class SetLocationHours(SchedulingMutation):
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
        location = services.location_hours_set(
            location_id=pk_from_global_id(location_id, "Location"),
            hours=[WeeklyInterval(h.weekday, h.opens_at, h.closes_at) for h in hours],
        )
        return cls(location=location)


class CreateResourceType(SchedulingMutation):
    """Add a kind of room or device that services can need."""

    permission = MANAGERS

    class Arguments:
        input = CreateResourceTypeInput(required=True, description="The new resource type.")

    resource_type = graphene.Field(ResourceTypeNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(resource_type=services.resource_type_create(**given_fields(input)))


class UpdateResourceType(SchedulingMutation):
    """Rename a kind of room or device, or change its kind."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True, description="The ResourceType.")
        input = UpdateResourceTypeInput(required=True, description="The fields to change.")

    resource_type = graphene.Field(ResourceTypeNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        resource_type = services.resource_type_update(
            resource_type_id=record_pk(id, "ResourceType"), **given_fields(input)
        )
        return cls(resource_type=resource_type)


class SchedulingMutations(graphene.ObjectType):
    create_location = CreateLocation.Field()
    update_location = UpdateLocation.Field()
    set_location_hours = SetLocationHours.Field()
    create_resource_type = CreateResourceType.Field()
    update_resource_type = UpdateResourceType.Field()
