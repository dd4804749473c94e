"""The patient's side of a forms link (served by the booking API,
tenant_apps/forms/graphql/patient.py, and the upload view,
tenant_apps/forms/views.py): open a link with the date of birth, send each form
with its e-signature, upload a photo a form asks for.

Every call first finds the open link (else LINK_INVALID, whatever the reason)
and checks the date of birth; a wrong one is counted and committed before the
refusal (the caller must not roll it back), and the link closes at the limit.
Opening is audited as a view of the client's record; a submission as a write
(by `form_response_record`, in one transaction with the link's item
and the link closed once every item is answered).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.errors import field_error
from core.http import client_ip
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.files.services import file_store_bytes, file_store_upload
from tenant_apps.files.storage import spa_storage
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.link_errors import FormLinkErrorCode
from tenant_apps.forms.links import (
    date_of_birth_check,
    form_request_by_token,
    request_close_if_done,
    request_items,
)
from tenant_apps.forms.models import (
    FormRequest,
    FormRequestItem,
    FormResponse,
    RequestChannel,
    ResponseSource,
)
from tenant_apps.forms.schema import schema_fields
from tenant_apps.forms.services.responses import form_response_record
from tenants.db import connection

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
MAX_TYPED_NAME = 200


def patient_actor(request: HttpRequest, *, tablet: bool = False) -> Actor:
    """Who the audit log names for a link's holder (no user; the address)."""
    return Actor(
        user_id=None,
        role="patient:tablet" if tablet else "patient:link",
        request_id=getattr(request, "request_id", ""),
        ip=client_ip(request),
    )


@dataclass(frozen=True)
class LinkView:
    request: FormRequest
    items: list[FormRequestItem]
    spa_name: str
    first_name: str
    disclosure_version: str
    disclosure_text: str


def _open(
    *, token: str, date_of_birth: dt.date | None, now: dt.datetime, lock: bool = False
) -> FormRequest:
    request = form_request_by_token(token, now=now, lock=lock)
    if not date_of_birth_check(request, date_of_birth, now=now):
        raise field_error(
            FormLinkErrorCode.DATE_OF_BIRTH_MISMATCH,
            "That date of birth does not match our records.",
            "date_of_birth",
        )
    return request


def form_link_open(
    *, actor: Actor, token: str, date_of_birth: dt.date | None, now: dt.datetime | None = None
) -> LinkView:
    """What an open link shows once the date of birth matches: the spa, the
    patient's first name, each form (version) and whether it is answered, and
    the electronic-records disclosure. Audited as a view of the client."""
    now = now or timezone.now()
    request = _open(token=token, date_of_birth=date_of_birth, now=now)
    audit_record(actor=actor, action=AuditAction.VIEW, client_ids=[request.client_id])
    spa_name = connection.tenant.name
    client = request.client
    return LinkView(
        request=request,
        items=request_items(request),
        spa_name=spa_name,
        first_name=client.preferred_name or client.first_name,
        disclosure_version=DISCLOSURE_VERSION,
        disclosure_text=disclosure_text(spa_name=spa_name),
    )


@dataclass(frozen=True)
class SignatureInput:
    typed_name: str
    # data:image/png;base64,...; optional: ESIGN/UETA need intent and
    # attribution (the typed name, the intent box, the disclosure), not a
    # drawing, and a keyboard-only or screen-reader patient cannot draw.
    drawn_image: str | None
    accept_electronic_records: bool
    disclosure_version: str
    intent: bool


def _signature_png(drawn_image: str) -> bytes:
    """The drawn signature's PNG bytes, or SIGNATURE_INVALID (never echoing it)."""
    invalid = field_error(
        FormLinkErrorCode.SIGNATURE_INVALID,
        "Draw your signature again (a PNG image of at most "
        f"{settings.FORMS_SIGNATURE_MAX_BYTES // 1024} KB).",
        "signature",
    )
    if not drawn_image.startswith(DATA_URL_PREFIX):
        raise invalid
    encoded = drawn_image[len(DATA_URL_PREFIX) :]
    if len(encoded) > (settings.FORMS_SIGNATURE_MAX_BYTES * 4) // 3 + 4:
        raise invalid
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise invalid from None
    if len(data) > settings.FORMS_SIGNATURE_MAX_BYTES or not data.startswith(PNG_MAGIC):
        raise invalid
    return data


def _signature_checks(signature: SignatureInput | None, *, needed: bool) -> None:
    if signature is None:
        if needed:
            raise field_error(FormLinkErrorCode.SIGNATURE_REQUIRED, "Sign the form.", "signature")
        return
    if not signature.intent:
        raise field_error(
            FormLinkErrorCode.INTENT_REQUIRED,
            "Confirm that you mean to sign this form.",
            "signature",
        )
    if not signature.accept_electronic_records:
        raise field_error(
            FormLinkErrorCode.ELECTRONIC_CONSENT_REQUIRED,
            "Agree to use electronic records and signatures, or ask the spa for paper forms.",
            "signature",
        )
    if signature.disclosure_version != DISCLOSURE_VERSION:
        raise field_error(
            FormLinkErrorCode.DISCLOSURE_OUTDATED,
            "The disclosure has changed: reload the page and read it again.",
            "signature",
        )
    name = signature.typed_name.strip()
    if not name or len(name) > MAX_TYPED_NAME:
        raise field_error(
            FormLinkErrorCode.SIGNATURE_REQUIRED,
            f"Type your full name (at most {MAX_TYPED_NAME} characters).",
            "signature",
        )


def _with_signed_name(schema: dict[str, Any], answers: Any, typed_name: str) -> Any:
    """The answers with each signature field answered by the typed name (the
    drawn image travels apart and is added by `form_response_record`)."""
    if not isinstance(answers, dict):
        return answers
    filled = dict(answers)
    for _section, field in schema_fields(schema):
        if field.get("type") == "signature" and field["key"] not in filled:
            filled[field["key"]] = {"typed_name": typed_name.strip()}
    return filled


def _meaning(schema: dict[str, Any]) -> str:
    for _section, field in schema_fields(schema):
        if field.get("type") == "signature":
            return str(field.get("meaning") or "")
    return ""


def form_link_submit(
    *,
    actor: Actor,
    token: str,
    date_of_birth: dt.date | None,
    item_id: int | None,
    answers: Any,
    decision: str | None,
    photo_scope: str,
    signature: SignatureInput | None,
    user_agent: str,
    now: dt.datetime | None = None,
) -> FormResponse:
    """Record the answers to one item of an open link, with the e-signature's
    evidence (IP, user agent, the disclosure version accepted, when); closes
    the link once every item is answered. ALREADY_ANSWERED for an item sent
    before; the forms' codes for the answers and the decision; the
    signature's own (SIGNATURE_*, INTENT_REQUIRED, ELECTRONIC_CONSENT_REQUIRED,
    DISCLOSURE_OUTDATED). Nothing is written on a refusal except the count of
    a wrong date of birth."""
    now = now or timezone.now()
    _open(token=token, date_of_birth=date_of_birth, now=now)
    with transaction.atomic():
        request = form_request_by_token(token, now=now, lock=True)
        item = (
            FormRequestItem.objects.select_related("version")
            .filter(pk=item_id, request=request)
            .first()
            if item_id is not None
            else None
        )
        if item is None:
            raise field_error(FormLinkErrorCode.NOT_FOUND, "No such form on this link.", "item_id")
        if item.response_id is not None:
            raise field_error(
                FormLinkErrorCode.ALREADY_ANSWERED, "This form was already sent.", "item_id"
            )
        schema = item.version.schema
        needed = any(f.get("type") == "signature" for _s, f in schema_fields(schema))
        _signature_checks(signature, needed=needed)
        stored: StoredFile | None = None
        try:
            evidence = None
            if signature is not None:
                if signature.drawn_image:
                    png = _signature_png(signature.drawn_image)
                    try:
                        stored = file_store_bytes(
                            data=png,
                            content_type="image/png",
                            purpose=FilePurpose.SIGNATURE,
                            client_id=request.client_id,
                            actor=actor,
                        )
                    except ValidationError:
                        raise field_error(
                            FormLinkErrorCode.SIGNATURE_INVALID,
                            "Draw your signature again (the image could not be read).",
                            "signature",
                        ) from None
                evidence = SignatureEvidence(
                    typed_name=signature.typed_name.strip(),
                    drawn_image_file_id=stored.pk if stored is not None else None,
                    meaning=_meaning(schema),
                    disclosure_version=signature.disclosure_version,
                    electronic_consent_at=now,
                    signed_at=now,
                    ip=actor.ip,
                    user_agent=(user_agent or "")[:500],
                )
                answers = _with_signed_name(schema, answers, signature.typed_name)
            response = form_response_record(
                actor=actor,
                client_id=request.client_id,
                version_id=item.version_id,
                answers=answers,
                source=(
                    ResponseSource.TABLET
                    if request.channel == RequestChannel.TABLET
                    else ResponseSource.PATIENT_LINK
                ),
                decision=decision or None,
                photo_scope=photo_scope or "",
                evidence=evidence,
                disclosure_text=(
                    disclosure_text(spa_name=connection.tenant.name) if evidence else ""
                ),
                appointment_id=request.appointment_id,
                request_id=request.pk,
                now=now,
            )
            FormRequestItem.objects.filter(pk=item.pk).update(response=response)
            request_close_if_done(request, now=now)
        except BaseException:
            if stored is not None:
                # The row goes with the transaction; the object must go too.
                spa_storage().delete(stored.key)
            raise
    return response


def form_link_upload(
    *,
    actor: Actor,
    token: str,
    date_of_birth: dt.date | None,
    upload: UploadedFile,
    now: dt.datetime | None = None,
) -> StoredFile:
    """Store a photo a form of the link asks for (purpose form_upload, the
    link's client); the answer then names its id. UPLOAD_INVALID when no form
    still to send on the link has a photo field (a link is no free storage in
    the client's record) or once settings.FORMS_LINK_MAX_UPLOADS were sent
    since the link was issued; the files app's refusals (type, size, a non-image)
    on the field "upload"."""
    now = now or timezone.now()
    request = _open(token=token, date_of_birth=date_of_birth, now=now)
    open_items = FormRequestItem.objects.filter(request=request, response__isnull=True)
    if not any(
        field.get("type") == "photo"
        for schema in open_items.values_list("version__schema", flat=True)
        for _section, field in schema_fields(schema)
    ):
        raise field_error(
            FormLinkErrorCode.UPLOAD_INVALID, "None of these forms asks for a photo.", "file"
        )
    uploaded = StoredFile.objects.filter(
        client_id=request.client_id,
        purpose=FilePurpose.FORM_UPLOAD,
        created_at__gte=request.created_at,
    ).count()
    if uploaded >= settings.FORMS_LINK_MAX_UPLOADS:
        raise field_error(
            FormLinkErrorCode.UPLOAD_INVALID,
            f"At most {settings.FORMS_LINK_MAX_UPLOADS} photos can be sent with these forms.",
            "file",
        )
    return file_store_upload(
        upload=upload, purpose=FilePurpose.FORM_UPLOAD, client_id=request.client_id, actor=actor
    )
