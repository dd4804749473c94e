"""Clinical photos' root queries in the spa API."""

from __future__ import annotations

from typing import Any

import graphene
from graphene import relay

from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.forms.selectors import photo_consent_scope
from tenant_apps.photos import selectors
from tenant_apps.photos.graphql.types import PhotoConnection, PhotoConsentScopeEnum
from tenant_apps.scheduling.graphql.types import provider_scope

PHOTOS_NEWEST = Keyset("photos-newest", ("-taken_at", "-id"))


class PhotosQueries(graphene.ObjectType):
    client_photos = relay.ConnectionField(
        PhotoConnection,
        client_id=graphene.ID(required=True),
        appointment_id=graphene.ID(
            description="Only the photos of this visit (a provider's own visits only; "
            "another's finds nothing)."
        ),
        description="A client's clinical photos, newest first (empty if no such client). "
        "Each photo read is logged in the audit log, and each image read again.",
    )
    client_photo_consent = graphene.Field(
        PhotoConsentScopeEnum,
        client_id=graphene.ID(required=True),
        description="What the client's photo consent allows now (null if no such client): "
        "photos may be exported for marketing only with MARKETING.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_client_photos(
        root: Any, info: Any, client_id: str, appointment_id: str | None = None, **page: Any
    ) -> Any:
        client_pk = pk_from_global_id(client_id, "Client") or 0
        appointment_pk = None
        if appointment_id is not None:
            appointment_pk = pk_from_global_id(appointment_id, "Appointment") or 0
        return paginate(
            selectors.photo_list(
                client_id=client_pk,
                appointment_id=appointment_pk,
                provider_user_id=provider_scope(getattr(info.context, "membership", None)),
            ),
            connection_type=PhotoConnection,
            keyset=PHOTOS_NEWEST,
            **page,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_client_photo_consent(root: Any, info: Any, client_id: str) -> Any:
        pk = pk_from_global_id(client_id, "Client")
        if pk is None or not Client.objects.filter(pk=pk).exists():
            return None
        # What the client consented to is part of their record.
        audit_record(actor=Actor.of_request(info.context), action=AuditAction.VIEW, client_ids=[pk])
        return photo_consent_scope(client_id=pk)
