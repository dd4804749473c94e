from typing import ClassVar

import graphene
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode, to_global_id
from tenant_apps.clients.errors import ClientErrorCode
from tenant_apps.clients.models import Client, ConsentSource

ConsentSourceEnum = graphene.Enum.from_enum(
    ConsentSource, description="How a marketing consent decision was given."
)

ClientErrorCodeEnum, ClientError = error_type("Client", ClientErrorCode)


class AddressType(graphene.ObjectType):
    class Meta:
        name = "Address"

    line1 = graphene.String(required=True)
    line2 = graphene.String(required=True)
    city = graphene.String(required=True)
    region = graphene.String(required=True, description="State, province or county.")
    postal_code = graphene.String(required=True)
    country = graphene.String(required=True, description="ISO 3166-1 alpha-2, or empty.")


class MarketingConsentType(graphene.ObjectType):
    """One marketing consent decision: the record of when and how it was given."""

    class Meta:
        name = "MarketingConsent"

    granted = graphene.Boolean(required=True)
    source = graphene.Field(ConsentSourceEnum, required=True)
    recorded_at = graphene.DateTime(required=True)


class ClientNode(DjangoObjectType):
    """A client (patient) of the spa. Every read of a client is logged in the
    spa's PHI audit log: ask only for what you show."""

    class Meta:
        model = Client
        name = "Client"
        interfaces = (SpaNode,)
        fields = (
            "first_name",
            "last_name",
            "preferred_name",
            "date_of_birth",
            "email",
            "phone",
            "notes",
            "created_at",
            "updated_at",
            "archived_at",
        )

    display_name = graphene.String(
        required=True, description="The name to greet the client by: preferred, then last."
    )
    address = graphene.Field(AddressType, required=True)
    allergies = graphene.List(graphene.NonNull(graphene.String), required=True)
    medications = graphene.List(graphene.NonNull(graphene.String), required=True)
    medical_conditions = graphene.List(graphene.NonNull(graphene.String), required=True)
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    marketing_consent = graphene.Field(
        MarketingConsentType, description="The current marketing decision; null if never asked."
    )
    consent_history = graphene.List(
        graphene.NonNull(MarketingConsentType),
        required=True,
        description="Every marketing consent decision, oldest first.",
    )
    is_archived = graphene.Boolean(required=True)
    merged_into_id = graphene.ID(
        description="For a record merged into another: that client's ID (open it instead)."
    )

    # What the resolvers read, for lists that load only the selected columns
    # (core/graphql/projection.py).
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {
        "display_name": ("preferred_name", "first_name", "last_name"),
        "address": ("address_line1", "address_line2", "city", "region", "postal_code", "country"),
        "marketing_consent": (
            "marketing_consent",
            "marketing_consent_source",
            "marketing_consent_at",
        ),
        "consent_history": (),
        "is_archived": ("archived_at",),
        "merged_into_id": ("merged_into",),
    }

    @classmethod
    def get_node(cls, info, id):
        return Client.objects.filter(pk=id).first()

    @staticmethod
    def resolve_display_name(root: Client, info) -> str:
        return root.display_name

    @staticmethod
    def resolve_address(root: Client, info) -> AddressType:
        return AddressType(
            line1=root.address_line1,
            line2=root.address_line2,
            city=root.city,
            region=root.region,
            postal_code=root.postal_code,
            country=root.country,
        )

    @staticmethod
    def resolve_marketing_consent(root: Client, info):
        if root.marketing_consent_at is None:
            return None
        return MarketingConsentType(
            granted=root.marketing_consent,
            source=root.marketing_consent_source,
            recorded_at=root.marketing_consent_at,
        )

    @staticmethod
    def resolve_consent_history(root: Client, info):
        # Prefetched by list queries that select it (queries.py); one query for a
        # single client.
        return [
            MarketingConsentType(granted=c.granted, source=c.source, recorded_at=c.recorded_at)
            for c in root.consents.all()
        ]

    @staticmethod
    def resolve_is_archived(root: Client, info) -> bool:
        return root.is_archived

    @staticmethod
    def resolve_merged_into_id(root: Client, info) -> str | None:
        return to_global_id("Client", root.merged_into_id) if root.merged_into_id else None


class ClientConnection(CountableConnection):
    class Meta:
        node = ClientNode
