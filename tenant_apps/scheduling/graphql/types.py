import graphene
from graphene_django import DjangoObjectType

from config.graphql.pagination import CountableConnection
from config.graphql.relay import SpaNode
from tenant_apps.scheduling.models import ResourceKind, ResourceType

ResourceKindEnum = graphene.Enum.from_enum(ResourceKind, description="A room, or a device.")


class ResourceTypeNode(DjangoObjectType):
    """A kind of room or device that a service can need ("Treatment room", "CO2 laser")."""

    class Meta:
        model = ResourceType
        name = "ResourceType"
        interfaces = (SpaNode,)
        fields = ("name",)

    kind = graphene.Field(ResourceKindEnum, required=True)

    @staticmethod
    def resolve_kind(root, info):
        return root.kind


class ResourceTypeConnection(CountableConnection):
    class Meta:
        node = ResourceTypeNode
