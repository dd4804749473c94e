import graphene
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.errors import coded_error
from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from core.graphql.selection import selects
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import audit_read_purpose
from tenant_apps.clients.graphql.types import ClientConnection, ClientNode
from tenant_apps.clients.selectors import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_WORD_LENGTH,
    SEARCH_MAX_WORDS,
    SEARCH_MIN_LENGTH,
    SearchTooLong,
    client_get,
    client_list,
    client_search,
)

BY_NAME = Keyset("clients-by-name", ("last_name", "first_name", "id"))
NEWEST_FIRST = Keyset("clients-newest", ("-created_at", "-id"))
BY_RELEVANCE = Keyset("clients-by-relevance", ("-rank", "last_name", "first_name", "id"))


class ClientOrder(graphene.Enum):
    """How to order clients (a search is always ordered by relevance)."""

    NAME = "name"
    NEWEST = "newest"


class ClientQueries(graphene.ObjectType):
    client = graphene.Field(
        ClientNode,
        id=graphene.ID(required=True),
        description="One client, archived or not; null for an unknown ID. Logged as a view.",
    )
    clients = relay.ConnectionField(
        ClientConnection,
        search=graphene.String(
            description="Name, email or phone, matched by prefix, every word required; "
            f"results by relevance. At least {SEARCH_MIN_LENGTH} characters; at most "
            f"{SEARCH_MAX_WORDS} words of up to {SEARCH_MAX_WORD_LENGTH} characters, "
            f"{SEARCH_MAX_LENGTH} in all (else SEARCH_TOO_LONG)."
        ),
        tag=graphene.String(description="Only clients with this tag."),
        include_archived=graphene.Boolean(default_value=False),
        order_by=graphene.Argument(ClientOrder, default_value="name"),
        description="The spa's clients. Every client returned is logged in the audit log "
        "(as a list, or a search with the kind of terms used).",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_client(root, info, id):
        return client_get(client_id=pk_from_global_id(id, "Client"))

    @staticmethod
    @permission(MEMBERS)
    def resolve_clients(root, info, include_archived, order_by, search=None, tag=None, **page):
        order = enum_value(order_by)
        if search is not None:
            try:
                found = client_search(text=search, include_archived=include_archived, tag=tag)
            except SearchTooLong as exc:
                raise coded_error(str(exc), "SEARCH_TOO_LONG") from None
            if found is None:
                raise coded_error(
                    f"Search with at least {SEARCH_MIN_LENGTH} letters or digits.",
                    "SEARCH_TOO_SHORT",
                )
            audit_read_purpose(info, AuditAction.SEARCH, found.kind)
            clients, keyset = found.clients, BY_RELEVANCE
        else:
            audit_read_purpose(info, AuditAction.LIST)
            clients = client_list(include_archived=include_archived, tag=tag)
            keyset = NEWEST_FIRST if order == "newest" else BY_NAME
        if selects(info, "edges", "node", "consentHistory"):
            clients = clients.prefetch_related("consents")
        return paginate(clients, connection_type=ClientConnection, keyset=keyset, **page)
