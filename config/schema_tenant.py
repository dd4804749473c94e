"""The spa API, served at /graphql/ on each spa's host. Composes the apps' roots."""

import graphene

from core.graphql.schema import api_schema
from shared_apps.accounts.graphql.mutations import AccountMutations
from shared_apps.accounts.graphql.queries import AccountQueries
from shared_apps.billing.graphql.mutations import BillingMutations
from shared_apps.billing.graphql.queries import BillingQueries
from shared_apps.lifecycle.graphql.queries import SpaQueries
from tenant_apps.audit.graphql.queries import AuditQueries
from tenant_apps.catalog.graphql.mutations import CatalogMutations
from tenant_apps.catalog.graphql.queries import CatalogQueries
from tenant_apps.clients.graphql.mutations import ClientMutations
from tenant_apps.clients.graphql.queries import ClientQueries
from tenant_apps.forms.graphql.documents import SignedDocumentQueries
from tenant_apps.forms.graphql.links import FormLinkMutations
from tenant_apps.forms.graphql.mutations import FormMutations
from tenant_apps.forms.graphql.queries import FormQueries
from tenant_apps.locations.graphql.mutations import LocationMutations
from tenant_apps.locations.graphql.queries import LocationQueries
from tenant_apps.messaging.graphql.mutations import MessagingMutations
from tenant_apps.messaging.graphql.queries import MessagingQueries
from tenant_apps.photos.graphql.mutations import PhotosMutations
from tenant_apps.photos.graphql.queries import PhotosQueries
from tenant_apps.profile.graphql.mutations import ProfileMutations
from tenant_apps.scheduling.graphql.mutations import SchedulingMutations
from tenant_apps.scheduling.graphql.queries import SchedulingQueries
from tenant_apps.staff.graphql.mutations import StaffMutations
from tenant_apps.staff.graphql.queries import StaffQueries
from tenant_apps.treatment.graphql.mutations import TreatmentMutations
from tenant_apps.treatment.graphql.queries import TreatmentQueries


class Query(
    SpaQueries,
    AccountQueries,
    ClientQueries,
    StaffQueries,
    LocationQueries,
    SchedulingQueries,
    CatalogQueries,
    AuditQueries,
    BillingQueries,
    MessagingQueries,
    FormQueries,
    PhotosQueries,
    SignedDocumentQueries,
    TreatmentQueries,
    graphene.ObjectType,
):
    pass


class Mutation(
    AccountMutations,
    ClientMutations,
    StaffMutations,
    LocationMutations,
    SchedulingMutations,
    CatalogMutations,
    ProfileMutations,
    BillingMutations,
    MessagingMutations,
    FormMutations,
    PhotosMutations,
    FormLinkMutations,
    TreatmentMutations,
    graphene.ObjectType,
):
    pass


schema = api_schema(query=Query, mutation=Mutation)
