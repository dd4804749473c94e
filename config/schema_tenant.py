"""The spa API, served at /graphql/ on each spa's host. Composes the apps' roots."""

import graphene

from shared_apps.accounts.graphql.mutations import AccountMutations
from shared_apps.accounts.graphql.queries import AccountQueries
from tenants.graphql.queries import SpaQueries


class Query(SpaQueries, AccountQueries, graphene.ObjectType):
    pass


class Mutation(AccountMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
