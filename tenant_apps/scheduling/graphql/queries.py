import graphene
from graphene import relay

from config.graphql.pagination import Keyset, paginate
from config.graphql.permissions import MEMBERS, permission
from tenant_apps.scheduling.graphql.types import (
    ResourceKindEnum,
    ResourceTypeConnection,
)
from tenant_apps.scheduling.selectors import resource_type_list

RESOURCE_TYPES_BY_NAME = Keyset("resource-types-by-name", ("name", "id"))


class SchedulingQueries(graphene.ObjectType):
    resource_types = relay.ConnectionField(
        ResourceTypeConnection,
        kind=ResourceKindEnum(),
        description="Kinds of rooms and devices, by name.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_resource_types(root, info, kind=None, **page):
        return paginate(
            resource_type_list(kind=getattr(kind, "value", kind)),
            connection_type=ResourceTypeConnection,
            keyset=RESOURCE_TYPES_BY_NAME,
            **page,
        )
