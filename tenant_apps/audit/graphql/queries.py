import graphene
from graphene import relay

from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import OWNERS, permission
from tenant_apps.audit.graphql.types import AuditEntryConnection
from tenant_apps.audit.selectors import audit_entries_for_client

NEWEST_FIRST = Keyset("audit-newest", ("-seq",))


class AuditQueries(graphene.ObjectType):
    client_audit_log = relay.ConnectionField(
        AuditEntryConnection,
        client_id=graphene.ID(required=True),
        description="Who read or changed this client's record, newest first (owners only).",
    )

    @staticmethod
    @permission(OWNERS)
    def resolve_client_audit_log(root, info, client_id, **page):
        return paginate(
            audit_entries_for_client(client_id=pk_from_global_id(client_id, "Client")),
            connection_type=AuditEntryConnection,
            keyset=NEWEST_FIRST,
            **page,
        )
