import graphene
from graphene import relay

from config.graphql.arguments import enum_value
from config.graphql.pagination import Keyset, paginate
from config.graphql.permissions import MEMBERS, permission
from config.graphql.selection import selects
from tenant_apps.scheduling.graphql.types import (
    LocationConnection,
    ResourceKindEnum,
    ResourceTypeConnection,
)
from tenant_apps.scheduling.selectors import location_list, resource_type_list

RESOURCE_TYPES_BY_NAME = Keyset("resource-types-by-name", ("name", "id"))
LOCATIONS_BY_NAME = Keyset("locations-by-name", ("name", "id"))


class SchedulingQueries(graphene.ObjectType):
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
