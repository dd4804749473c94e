"""Reading locations, resource types and resources: any member."""

import graphene
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from core.graphql.selection import selects
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.locations.graphql.types import (
    LocationConnection,
    ResourceConnection,
    ResourceKindEnum,
    ResourceTypeConnection,
)
from tenant_apps.locations.selectors import location_list, resource_list, resource_type_list

RESOURCE_TYPES_BY_NAME = Keyset("resource-types-by-name", ("name", "id"))
LOCATIONS_BY_NAME = Keyset("locations-by-name", ("name", "id"))
RESOURCES_BY_NAME = Keyset("resources-by-name", ("name", "id"))


class LocationQueries(graphene.ObjectType):
    resource_types = relay.ConnectionField(
        ResourceTypeConnection,
        kind=ResourceKindEnum(),
        description="Kinds of rooms and devices, by name.",
    )
    locations = relay.ConnectionField(
        LocationConnection,
        active=graphene.Boolean(description="True: only open ones; false: only closed; null: all."),
        description="The spa's locations, by name.",
    )
    resources = relay.ConnectionField(
        ResourceConnection,
        location_id=graphene.ID(description="Only at this Location."),
        type_id=graphene.ID(description="Only of this ResourceType."),
        active=graphene.Boolean(
            description="True: only those in use; false: only retired ones; null: all."
        ),
        description="Rooms and devices, by name.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_resource_types(root, info, kind=None, **page):
        return paginate(
            resource_type_list(kind=enum_value(kind)),
            connection_type=ResourceTypeConnection,
            keyset=RESOURCE_TYPES_BY_NAME,
            **page,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_locations(root, info, active=None, **page):
        return paginate(
            location_list(active=active, with_hours=selects(info, "edges", "node", "hours")),
            connection_type=LocationConnection,
            keyset=LOCATIONS_BY_NAME,
            **page,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_resources(root, info, location_id=None, type_id=None, active=None, **page):
        location_pk = (
            pk_from_global_id(location_id, "Location") if location_id is not None else None
        )
        type_pk = pk_from_global_id(type_id, "ResourceType") if type_id is not None else None
        resources = resource_list(location_id=location_pk, resource_type_id=type_pk, active=active)
        if (location_id is not None and location_pk is None) or (
            type_id is not None and type_pk is None
        ):
            # An ID naming nothing here (another spa's, say): nothing is there.
            resources = resources.none()
        return paginate(
            resources, connection_type=ResourceConnection, keyset=RESOURCES_BY_NAME, **page
        )
