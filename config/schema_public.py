"""The platform's public API, served at /graphql/ on the root domain."""

import graphene

from core.graphql.schema import api_schema
from shared_apps.billing.graphql.mutations import PlatformBillingMutations
from shared_apps.billing.graphql.queries import PlatformBillingQueries
from shared_apps.lifecycle.graphql.queries import PlatformSpaQueries


class Query(PlatformSpaQueries, PlatformBillingQueries, graphene.ObjectType):
    pass


class Mutation(PlatformBillingMutations, graphene.ObjectType):
    pass


schema = api_schema(query=Query, mutation=Mutation)
