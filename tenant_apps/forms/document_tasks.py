"""The signed document's job: `forms.render_signed_document(response_id)`,
deferred by name by `form_response_record` (tenant_apps/forms/services/responses.py)
in the transaction that records a signed response.

It renders the response to PDF with its evidence page (tenant_apps/forms/pdf.py),
signs it with the platform's key (tenant_apps/forms/signing.py), stores it as the
client's file (purpose signed_doc), records the `SignedDocument`, and queues the
patient's copy: an email with a link to `/forms/copy#<token>`
(tenant_apps/forms/copies.py). Idempotent: a response that has its document is
done, so a retried or repeated job neither signs twice nor emails twice.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shared_apps.jobs.spa import spa_task
from tenant_apps.audit.services import Actor
from tenant_apps.files.models import FilePurpose
from tenant_apps.files.services import file_open, file_store_bytes
from tenant_apps.forms.copies import copy_url, document_link_issue
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.models import FormResponse, Signature, SignedDocument
from tenant_apps.forms.pdf import DocumentContent, SignatureEvidence, pdf_render
from tenant_apps.forms.signing import pdf_sign, signing_identity
from tenant_apps.messaging.models import Channel, MessageKind
from tenant_apps.messaging.sending import message_queue
from tenants.db import connection
from tenants.models import Spa

logger = logging.getLogger(__name__)

RENDER_TASK = "forms.render_signed_document"
PDF = "application/pdf"


def _disclosure(version: str, *, spa: Spa) -> str:
    # Only the current disclosure's text is in the code; an older version's
    # text is named by its version (its wording is in the repository's history).
    if version == DISCLOSURE_VERSION:
        return disclosure_text(spa_name=spa.name)
    return f"(the platform's disclosure version {version})"


def document_content(*, response: FormResponse, spa: Spa) -> DocumentContent:
    """What the PDF of `response` shows (the response, its version and signature loaded)."""
    version = response.version
    signature: Signature | None = getattr(response, "signature", None)
    evidence = None
    if signature is not None:
        image = file_open(signature.drawn_image) if signature.drawn_image is not None else None
        evidence = SignatureEvidence(
            typed_name=signature.typed_name,
            meaning=signature.meaning,
            signed_at=signature.signed_at,
            electronic_consent_at=signature.electronic_consent_at,
            disclosure_version=signature.disclosure_version,
            disclosure_text=_disclosure(signature.disclosure_version, spa=spa),
            ip_address=signature.ip_address,
            user_agent=signature.user_agent,
            image=image,
        )
    return DocumentContent(
        spa_name=spa.name,
        spa_timezone=spa.timezone,
        platform_name=settings.PLATFORM_NAME,
        response_id=response.pk,
        form_title=version.title,
        version_number=version.number,
        content_hash=version.content_hash,
        schema=version.schema,
        answers=response.answers,
        decision=response.decision,
        photo_scope=response.photo_scope,
        shown_hash=response.shown_hash,
        document_hash=response.document_hash,
        submitted_at=response.submitted_at,
        signature=evidence,
    )


def signed_document_create(*, response_id: int) -> SignedDocument | None:
    """Render, sign and store the PDF of a response, and queue the patient's
    copy; the existing document when there is one; None for no such response.
    One transaction (the job's, when it runs in one), the response locked."""
    with transaction.atomic():
        return _signed_document_create(response_id=response_id)


def _signed_document_create(*, response_id: int) -> SignedDocument | None:
    response = (
        FormResponse.objects.select_for_update(of=("self",))
        .select_related("version", "client", "signature__drawn_image")
        .filter(pk=response_id)
        .first()
    )
    if response is None:
        logger.warning("signed document for a missing response skipped", extra={"id": response_id})
        return None
    existing = SignedDocument.objects.filter(response=response).first()
    if existing is not None:
        return existing
    spa: Spa = connection.tenant
    identity = signing_identity()
    data = pdf_sign(
        pdf_render(document_content(response=response, spa=spa)),
        reason=f"Signed on behalf of {spa.name}",
    )
    stored = file_store_bytes(
        data=data,
        content_type=PDF,
        purpose=FilePurpose.SIGNED_DOCUMENT,
        client_id=response.client_id,
        actor=Actor.system("forms.pdf"),
    )
    document = SignedDocument.objects.create(
        response=response,
        file=stored,
        rendered_at=timezone.now(),
        certificate_sha256=identity.certificate_sha256,
    )
    _queue_copy(response=response, spa=spa)
    return document


def _queue_copy(*, response: FormResponse, spa: Spa) -> None:
    # Only a patient's own signature earns an emailed copy; staff entries, and
    # clients without an address or a date of birth on record (the copy page
    # asks for it), get theirs from the spa.
    client = response.client
    if (
        getattr(response, "signature", None) is None
        or not client.email
        or client.date_of_birth is None
    ):
        return
    _link, token = document_link_issue(response=response)
    message_queue(
        key=f"forms_copy:{response.pk}",
        client=client,
        channel=Channel.EMAIL,
        kind=MessageKind.FORMS_COPY,
        extra={"forms_link": copy_url(spa=spa, token=token)},
    )


@spa_task(name=RENDER_TASK)
def render_signed_document(*, response_id: int) -> None:
    """The job: `signed_document_create` in the spa's schema, one transaction."""
    signed_document_create(response_id=response_id)
