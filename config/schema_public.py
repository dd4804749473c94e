"""The platform's public API, served at /graphql/ on the root domain."""

import graphene

from core.graphql.schema import api_schema
from shared_apps.billing.graphql.queries import PlatformBillingQueries
from shared_apps.lifecycle.graphql.mutations import SignUpMutations
from shared_apps.lifecycle.graphql.queries import PlatformSpaQueries


class Query(PlatformSpaQueries, PlatformBillingQueries, graphene.ObjectType):
    pass


class Mutation(SignUpMutations, graphene.ObjectType):
    pass


schema = api_schema(query=Query, mutation=Mutation)
