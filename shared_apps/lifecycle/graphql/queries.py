"""The spa the request was routed to (tenant API), and whether a slug is free
for signup (public API)."""

import graphene

from core.graphql.relay import SpaNode
from shared_apps.accounts.permissions import ANYONE, MEMBERS, permission
from shared_apps.lifecycle.graphql.types import SlugAvailabilityType, SpaType
from tenants.selectors import slug_availability


class SpaQueries(graphene.ObjectType):
    """Tenant API: the spa the request was routed to."""

    spa = graphene.Field(SpaType, required=True)
    node = graphene.Field(
        SpaNode,
        id=graphene.ID(required=True),
        description="Any record of this spa by its global ID; null for an ID of another spa.",
    )

    @staticmethod
    @permission(ANYONE)  # its name, status and public profile: the booking page shows them
    def resolve_spa(root, info):
        return info.context.spa

    @staticmethod
    @permission(MEMBERS)
    def resolve_node(root, info, id):
        return SpaNode.get_node_from_global_id(info, id)


class PlatformSpaQueries(graphene.ObjectType):
    """Public API (root domain)."""

    slug_availability = graphene.Field(
        SlugAvailabilityType,
        slug=graphene.String(required=True),
        required=True,
        description="Whether a new spa could use this slug as its address.",
    )

    @staticmethod
    def resolve_slug_availability(root, info, slug):
        return slug_availability(slug=slug)
