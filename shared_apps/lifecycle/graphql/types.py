"""The `spa` query's types: the spa as tenancy knows it (tenants.Spa) with its
public profile, read from its own schema (tenant_apps.profile). They live in
lifecycle, the shared app above both, so that tenants imports no app. Also the
`signUp` mutation's payload types."""

import graphene

from core.graphql.mutations import error_type
from shared_apps.lifecycle.errors import SignUpErrorCode
from tenant_apps.profile.graphql.types import SpaProfileType
from tenant_apps.profile.selectors import profile_get
from tenants.models import SpaStatus

SpaStatusEnum = graphene.Enum(
    "SpaStatus",
    [(value.upper(), value) for value in SpaStatus.values],
    description="Where the spa is in its lifecycle; suspended spas are read-only.",
)


class SpaType(graphene.ObjectType):
    """The spa this request's host belongs to."""

    class Meta:
        name = "Spa"

    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    timezone = graphene.String(required=True, description="IANA timezone, e.g. America/New_York.")
    status = graphene.Field(SpaStatusEnum, required=True)
    profile = graphene.Field(
        SpaProfileType, required=True, description="Read from the spa's own schema."
    )

    @staticmethod
    def resolve_profile(spa, info):
        return profile_get()


class SlugAvailabilityType(graphene.ObjectType):
    class Meta:
        name = "SlugAvailability"

    slug = graphene.String(required=True, description="The slug as it would be stored.")
    available = graphene.Boolean(required=True)
    code = graphene.String(description="Why not: SLUG_INVALID, SLUG_RESERVED or SLUG_TAKEN.")
    message = graphene.String()


SignUpErrorCodeEnum, SignUpError = error_type("SignUp", SignUpErrorCode)


class SignedUpSpaType(graphene.ObjectType):
    class Meta:
        name = "SignedUpSpa"

    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    url = graphene.String(required=True, description="The spa's address.")
    graphql_url = graphene.String(required=True, description="The spa's API: send the token there.")
