import graphene

from config.graphql.permissions import ANYONE, permission
from tenants.graphql.types import SlugAvailabilityType, SpaType
from tenants.selectors import slug_availability


class SpaQueries(graphene.ObjectType):
    """Tenant API: the spa the request was routed to."""

    spa = graphene.Field(SpaType, required=True)

    @staticmethod
    @permission(ANYONE)  # its name, status and public profile: the booking page shows them
    def resolve_spa(root, info):
        return info.context.spa


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
