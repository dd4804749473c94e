"""Signed documents in the spa API: a response's signed PDF (rendered by the job
in tenant_apps/forms/document_tasks.py), and a short-lived address to read it."""

from __future__ import annotations

from typing import Any

import graphene

from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.files.services import file_url
from tenant_apps.forms.models import SignedDocument

# The address lives this long: the web app fetches it at once.
URL_SECONDS = 60


class SignedDocumentType(graphene.ObjectType):
    """A response rendered to PDF with its evidence page and signed by the
    platform (PAdES); read it through `signedDocumentUrl`."""

    class Meta:
        name = "SignedDocument"

    rendered_at = graphene.DateTime(required=True)
    certificate_sha256 = graphene.String(
        required=True, description="sha256 of the certificate that signed it (hex)."
    )


class SignedDocumentQueries(graphene.ObjectType):
    signed_document_url = graphene.String(
        response_id=graphene.ID(required=True),
        description="A short-lived address (/files/<token>, for the member asking, about a "
        "minute) of a response's signed PDF, to fetch with the bearer token; null for an "
        "unknown response or one whose PDF is not rendered yet. Logged as a view of the client.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_signed_document_url(root: Any, info: Any, response_id: str) -> str | None:
        pk = pk_from_global_id(response_id, "FormResponse")
        document = (
            SignedDocument.objects.select_related("file", "response").filter(response_id=pk).first()
            if pk is not None
            else None
        )
        if document is None:
            return None
        actor = Actor.of_request(info.context)
        audit_record(actor=actor, action=AuditAction.VIEW, client_ids=[document.response.client_id])
        return file_url(file=document.file, actor=actor, ttl_seconds=URL_SECONDS, download=True)
