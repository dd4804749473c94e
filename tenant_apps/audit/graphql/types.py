import graphene

from core.graphql.pagination import CountableConnection
from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditAction, SearchKind

AuditActionEnum = graphene.Enum.from_enum(AuditAction)
SearchKindEnum = graphene.Enum.from_enum(SearchKind)


class AuditEntryType(graphene.ObjectType):
    """One access to client records: who, what, when, from where. Never the data."""

    class Meta:
        name = "AuditEntry"

    seq = graphene.Int(required=True, description="Position in the spa's tamper-evident chain.")
    occurred_at = graphene.DateTime(required=True)
    actor_user_id = graphene.ID(description="The member's user id; null for the system.")
    actor_role = graphene.String(required=True)
    action = graphene.Field(AuditActionEnum, required=True)
    client_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        required=True,
        description="The clients concerned (global IDs).",
    )
    search_kind = graphene.Field(SearchKindEnum, description="For a search: the kind of terms.")
    request_id = graphene.String(required=True)
    ip = graphene.String()

    @staticmethod
    def resolve_client_ids(root, info):
        return [to_global_id("Client", pk) for pk in root.client_ids]

    @staticmethod
    def resolve_search_kind(root, info):
        return root.search_kind or None


class AuditEntryConnection(CountableConnection):
    class Meta:
        node = AuditEntryType
