"""Recording a patient's response to a form version: the one function that
writes a `FormResponse` (and its `Signature`), whoever submits it (the patient's
link, the desk's tablet, staff entering a paper form)."""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from shared_apps.jobs.spa import defer_in_spa_by_name
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients import validation as client_validation
from tenant_apps.clients.models import Client
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.forms.errors import FormErrorCode
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.hashing import document_hash, shown_hash
from tenant_apps.forms.models import (
    Decision,
    FormKind,
    FormResponse,
    FormVersion,
    PhotoScope,
    Renewal,
    ResponseSource,
    Signature,
)
from tenant_apps.forms.schema import answers_validate, schema_has_signature, visible_fields
from tenant_apps.scheduling.models import Appointment

# The job that renders and signs the PDF (the e-signature work implements it);
# deferred by name, in the transaction that records the response.
RENDER_TASK = "forms.render_signed_document"
# Items of the client's lists are at most this long (tenant_apps/clients/models.py).
LIST_ITEM_MAX = 200
# A photo consent's field whose answer is the scope (tenant_apps/forms/starters.py).
PHOTO_SCOPE_FIELD = "photo_scope"
_SPLIT = re.compile(r"[\n;,]+")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later; the month's last day when it is
    shorter (31 January + 1 month is 28 or 29 February)."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _decision(kind: str, decision: str | None, photo_scope: str) -> tuple[str, str]:
    """The decision rules: intake and policy are "completed"; a consent or photo
    consent is accepted or declined (declined is an answer); an accepted photo
    consent carries its scope, nothing else does."""
    if kind in (FormKind.INTAKE, FormKind.POLICY):
        if decision not in (None, Decision.COMPLETED):
            raise field_error(
                FormErrorCode.DECISION_INVALID, "This form is completed, not decided.", "decision"
            )
        decision = Decision.COMPLETED
    elif decision not in (Decision.ACCEPTED, Decision.DECLINED):
        raise field_error(
            FormErrorCode.DECISION_INVALID, "Accept or decline this consent.", "decision"
        )
    if kind == FormKind.PHOTO_CONSENT and decision == Decision.ACCEPTED:
        if photo_scope not in PhotoScope.values:
            raise field_error(
                FormErrorCode.PHOTO_SCOPE_INVALID,
                "Choose clinical records only, or marketing too.",
                "photo_scope",
            )
    elif photo_scope:
        raise field_error(
            FormErrorCode.PHOTO_SCOPE_INVALID,
            "Only an accepted photo consent has a scope.",
            "photo_scope",
        )
    return str(decision), photo_scope


def _scope_from_answers(
    kind: str, decision: str | None, photo_scope: str, answers: dict[str, Any]
) -> str:
    """An accepted photo consent's scope: `photo_scope` as given, else the
    answer to the form's field keyed "photo_scope" (the starter's choice of
    "clinical" or "marketing"); the two must agree when both are given."""
    answered = answers.get(PHOTO_SCOPE_FIELD)
    if kind != FormKind.PHOTO_CONSENT or decision != Decision.ACCEPTED or answered is None:
        return photo_scope
    if photo_scope and photo_scope != answered:
        raise field_error(
            FormErrorCode.PHOTO_SCOPE_INVALID,
            "The scope given differs from the one answered.",
            "photo_scope",
        )
    return str(answered)


def _check_files(
    *, client: Client, schema: dict[str, Any], answers: dict[str, Any], evidence: Any
) -> None:
    """The uploads an answer names are this client's form uploads; the drawn
    signature is this client's signature image."""
    for field in visible_fields(schema, answers):
        if field["type"] == "photo" and field["key"] in answers:
            file_id = answers[field["key"]]["file_id"]
            ok = StoredFile.objects.filter(
                pk=file_id, client=client, purpose=FilePurpose.FORM_UPLOAD
            ).exists()
            if not ok:
                raise field_error(
                    FormErrorCode.ANSWER_INVALID, "Upload the photo again.", field["key"]
                )
    if evidence is not None and evidence.drawn_image_file_id is not None:
        ok = StoredFile.objects.filter(
            pk=evidence.drawn_image_file_id, client=client, purpose=FilePurpose.SIGNATURE
        ).exists()
        if not ok:
            raise field_error(
                FormErrorCode.SIGNATURE_REQUIRED, "Draw the signature again.", "signature"
            )


def _signed_answers(
    schema: dict[str, Any], answers: Any, evidence: SignatureEvidence | None
) -> Any:
    """The evidence answers the signature field when the caller did not."""
    if evidence is None or not isinstance(answers, dict):
        return answers
    for field in visible_fields(schema, answers):
        if field["type"] == "signature" and field["key"] not in answers:
            return {**answers, field["key"]: {"typed_name": evidence.typed_name}}
    return answers


def _with_signature(
    schema: dict[str, Any], answers: dict[str, Any], evidence: SignatureEvidence | None
) -> dict[str, Any]:
    """The signature field's stored answer is the evidence's: the typed name and
    the drawn image's file id."""
    if evidence is None:
        return answers
    for field in visible_fields(schema, answers):
        if field["type"] == "signature":
            signed: dict[str, Any] = {"typed_name": evidence.typed_name.strip()}
            if evidence.drawn_image_file_id is not None:
                signed["image_file_id"] = evidence.drawn_image_file_id
            return {**answers, field["key"]: signed}
    return answers


def _mapped(schema: dict[str, Any], answers: dict[str, Any]) -> dict[str, list[str]]:
    """What the answers add to the client's lists (field `maps_to`): a text
    split at commas, semicolons and lines; a multi-choice's chosen labels."""
    added: dict[str, list[str]] = {}
    for field in visible_fields(schema, answers):
        target, value = field.get("maps_to"), answers.get(field["key"])
        if not target or value is None:
            continue
        if field["type"] == "text":
            items = [part.strip() for part in _SPLIT.split(value)]
        else:
            labels = {o["value"]: o["label"] for o in field.get("options") or []}
            items = [labels.get(v, v) for v in value]
        added.setdefault(target, []).extend(i[:LIST_ITEM_MAX] for i in items if i)
    return added


def _map_to_client(*, actor: Actor, client: Client, added: dict[str, list[str]]) -> None:
    changed = []
    for name, items in added.items():
        merged = [
            i[:LIST_ITEM_MAX] for i in client_validation.merge_lists(getattr(client, name), items)
        ]
        if merged != getattr(client, name):
            setattr(client, name, merged)
            changed.append(name)
    if changed:
        client.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client.pk])


def form_response_record(
    *,
    actor: Actor,
    client_id: int,
    version_id: int,
    answers: Any,
    source: str,
    decision: str | None = None,
    photo_scope: str = "",
    evidence: SignatureEvidence | None = None,
    disclosure_text: str = "",
    appointment_id: int | None = None,
    request_id: int | None = None,
    entered_by_user_id: int | None = None,
    now: datetime | None = None,
) -> FormResponse:
    """Record a client's answers to a form version, immutably.

    Validates the answers against the version (tenant_apps/forms/schema.py;
    a declined consent needs only its signature) and the decision
    (`decision`: None or "completed" for intake and policy; "accepted" or
    "declined" for a consent; `photo_scope` "clinical" or "marketing" for an
    accepted photo consent). A form with a signature field needs `evidence`;
    its stored answer becomes the evidence's typed name and drawn image.
    Computes `shown_hash` (the version's content hash, the disclosure version
    and `disclosure_text` shown) and `document_hash`, `valid_until` (for a
    renewal in months: submitted + N months), merges answers with `maps_to`
    into the client's allergies, medications and conditions (audited as an
    update of the client), audits the response, and, when signed, defers the
    PDF job by name (`forms.render_signed_document`, `response_id`), all in one
    transaction. Errors name the field key (or `decision`, `photo_scope`,
    `signature`, `client_id`, `version_id`, `appointment_id`) and never repeat
    an answer."""
    if source not in ResponseSource.values:
        raise field_error(FormErrorCode.VALUE_INVALID, "Unknown source.", "source")
    with transaction.atomic():
        client = Client.objects.select_for_update().filter(pk=client_id).first()
        if client is None:
            raise field_error(FormErrorCode.NOT_FOUND, "No such client.", "client_id")
        if client.archived_at is not None:
            raise field_error(
                FormErrorCode.CLIENT_ARCHIVED, "This client's record is archived.", "client_id"
            )
        version = FormVersion.objects.select_related("template").filter(pk=version_id).first()
        if version is None:
            raise field_error(FormErrorCode.NOT_FOUND, "No such form version.", "version_id")
        if (
            appointment_id is not None
            and not Appointment.objects.filter(pk=appointment_id, client_id=client.pk).exists()
        ):
            raise field_error(
                FormErrorCode.APPOINTMENT_MISMATCH,
                "No such appointment for this client.",
                "appointment_id",
            )
        if schema_has_signature(version.schema) and evidence is None:
            raise field_error(FormErrorCode.SIGNATURE_REQUIRED, "Sign the form.", "signature")
        if evidence is not None and not evidence.typed_name.strip():
            raise field_error(
                FormErrorCode.SIGNATURE_REQUIRED, "Sign with your full name.", "signature"
            )
        require = decision != Decision.DECLINED
        answers = _signed_answers(version.schema, answers, evidence)
        cleaned = answers_validate(schema=version.schema, answers=answers, require=require)
        photo_scope = _scope_from_answers(version.kind, decision, photo_scope, cleaned)
        decision, photo_scope = _decision(version.kind, decision, photo_scope)
        _check_files(client=client, schema=version.schema, answers=cleaned, evidence=evidence)
        cleaned = _with_signature(version.schema, cleaned, evidence)

        submitted_at = now or timezone.now()
        template = version.template
        valid_until = (
            add_months(submitted_at, template.renewal_months or 0)
            if template.renewal == Renewal.MONTHS
            else None
        )
        shown = shown_hash(
            version_hash=version.content_hash,
            disclosure_version=evidence.disclosure_version if evidence else "",
            disclosure_text=disclosure_text,
        )
        signed = document_hash(
            shown_hash=shown,
            answers=cleaned,
            decision=decision,
            photo_scope=photo_scope,
            typed_name=evidence.typed_name.strip() if evidence else "",
            signed_at=evidence.signed_at if evidence else submitted_at,
            client_id=client.pk,
        )
        response = FormResponse.objects.create(
            client=client,
            version=version,
            appointment_id=appointment_id,
            request_id=request_id,
            answers=cleaned,
            decision=decision,
            photo_scope=photo_scope,
            shown_hash=shown,
            document_hash=signed,
            source=source,
            submitted_at=submitted_at,
            valid_until=valid_until,
            entered_by_user_id=entered_by_user_id,
        )
        if evidence is not None:
            Signature.objects.create(
                response=response,
                typed_name=evidence.typed_name.strip(),
                drawn_image_id=evidence.drawn_image_file_id,
                meaning=evidence.meaning,
                disclosure_version=evidence.disclosure_version,
                electronic_consent_at=evidence.electronic_consent_at,
                signed_at=evidence.signed_at,
                ip_address=evidence.ip,
                user_agent=(evidence.user_agent or "")[:500],
                document_hash=signed,
            )
        audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client.pk])
        if decision != Decision.DECLINED:
            _map_to_client(actor=actor, client=client, added=_mapped(version.schema, cleaned))
        if evidence is not None:
            defer_in_spa_by_name(RENDER_TASK, response_id=response.pk)
    return response
