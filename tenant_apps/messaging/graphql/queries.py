"""Messaging's root queries in the spa API."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import FRONT_OFFICE, MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.messaging import selectors
from tenant_apps.messaging.graphql.types import (
    ClientConsentsType,
    MessageConnection,
    MessageStatusEnum,
    MessageTemplateType,
    MessagingSettingsType,
    WaitlistEntryConnection,
    WaitlistStatusEnum,
)

MESSAGES_NEWEST = Keyset("messages-newest", ("-created_at", "-id"))
WAITLIST_IN_LINE = Keyset("waitlist-in-line", ("created_at", "id"))


def _audit_page(info: Any, connection: Any) -> Any:
    """A page of messages or entries shows patients' details: one audit row."""
    client_ids = {edge.node.client_id for edge in connection.edges if edge.node.client_id}
    if client_ids:
        audit_record(
            actor=Actor.of_request(info.context), action=AuditAction.LIST, client_ids=client_ids
        )
    return connection


class MessagingQueries(graphene.ObjectType):
    messaging_settings = graphene.Field(
        MessagingSettingsType,
        required=True,
        description="The reminder schedule, the waitlist settings and the template variables.",
    )
    message_templates = graphene.List(
        graphene.NonNull(MessageTemplateType),
        required=True,
        description="The wording of every editable message on each channel (the spa's or "
        "the default).",
    )
    client_messaging_consents = graphene.Field(
        ClientConsentsType,
        client_id=graphene.ID(required=True),
        description="A client's consent per channel and purpose, and every decision; null "
        "if no such client.",
    )
    messages = relay.ConnectionField(
        MessageConnection,
        client_id=graphene.ID(description="Only this client's."),
        status=MessageStatusEnum(),
        description="The message log, newest first.",
    )
    waitlist_entries = relay.ConnectionField(
        WaitlistEntryConnection,
        status=WaitlistStatusEnum(description="Default: every status."),
        description="The waitlist, first in line first.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_messaging_settings(root: Any, info: Any) -> Any:
        return selectors.messaging_settings()

    @staticmethod
    @permission(MEMBERS)
    def resolve_message_templates(root: Any, info: Any) -> Any:
        return selectors.message_template_list()

    @staticmethod
    @permission(FRONT_OFFICE)
    def resolve_client_messaging_consents(root: Any, info: Any, client_id: str) -> Any:
        pk = pk_from_global_id(client_id, "Client")
        if pk is None or not Client.objects.filter(pk=pk).exists():
            return None
        audit_record(actor=Actor.of_request(info.context), action=AuditAction.VIEW, client_ids=[pk])
        return selectors.client_consents(client_id=pk)

    @staticmethod
    @permission(FRONT_OFFICE)
    def resolve_messages(
        root: Any, info: Any, client_id: str | None = None, status: Any = None, **page: Any
    ) -> Any:
        client_pk = pk_from_global_id(client_id, "Client") if client_id is not None else None
        if client_id is not None and client_pk is None:
            client_pk = 0  # matches nothing
        return _audit_page(
            info,
            paginate(
                selectors.message_list(client_id=client_pk, status=enum_value(status)),
                connection_type=MessageConnection,
                keyset=MESSAGES_NEWEST,
                **page,
            ),
        )

    @staticmethod
    @permission(FRONT_OFFICE)
    def resolve_waitlist_entries(root: Any, info: Any, status: Any = None, **page: Any) -> Any:
        return _audit_page(
            info,
            paginate(
                selectors.waitlist_entry_list(status=enum_value(status)),
                connection_type=WaitlistEntryConnection,
                keyset=WAITLIST_IN_LINE,
                **page,
            ),
        )
