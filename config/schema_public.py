"""The platform's public API, served at /graphql/ on the root domain."""

import graphene

from tenants.graphql.queries import PlatformSpaQueries


class Query(PlatformSpaQueries, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
