"""The public booking API, served at /booking/graphql/ on each spa's host, to
anyone (tenant_apps/online_booking), and the patients' forms links
(tenant_apps/forms/graphql/patient.py). Nothing of the spa API is in it."""

import graphene

from core.graphql.schema import api_schema
from tenant_apps.forms.graphql.patient import FormsPatientMutations, FormsPatientQueries
from tenant_apps.online_booking.graphql.mutations import BookingMutations
from tenant_apps.online_booking.graphql.queries import BookingQueries


class Query(BookingQueries, FormsPatientQueries, graphene.ObjectType):
    pass


class Mutation(BookingMutations, FormsPatientMutations, graphene.ObjectType):
    pass


schema = api_schema(query=Query, mutation=Mutation)
