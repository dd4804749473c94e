"""The public booking API, served at /booking/graphql/ on each spa's host, to
anyone (tenant_apps/online_booking). Nothing of the spa API is in it."""

import graphene

from core.graphql.schema import api_schema
from tenant_apps.online_booking.graphql.mutations import BookingMutations
from tenant_apps.online_booking.graphql.queries import BookingQueries


class Query(BookingQueries, graphene.ObjectType):
    pass


class Mutation(BookingMutations, graphene.ObjectType):
    pass


schema = api_schema(query=Query, mutation=Mutation)
