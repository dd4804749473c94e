"""The spa API, served at /graphql/ on each spa's host. Composes the apps' queries."""

import graphene

from tenants.graphql.queries import SpaQueries


class Query(SpaQueries, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
