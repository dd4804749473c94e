"""Writing form templates: create, change, save the draft, publish a version,
archive and restore; and which forms a service requires.

Templates hold no patient data, so these writes are not in the PHI audit log."""

from __future__ import annotations

from typing import Any, TypedDict, Unpack

from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from core.updates import apply_changes
from tenant_apps.catalog.models import Service
from tenant_apps.forms.errors import FormErrorCode
from tenant_apps.forms.hashing import version_content_hash
from tenant_apps.forms.models import (
    FormKind,
    FormTemplate,
    FormVersion,
    Renewal,
    ServiceForm,
)
from tenant_apps.forms.schema import schema_is_empty, schema_validate

NAME_MAX = 120
DESCRIPTION_MAX = 2000
RENEWAL_MONTHS_MAX = 120
# A service requires at most this many forms.
SERVICE_FORMS_MAX = 20


class FormTemplateChanges(TypedDict, total=False):
    name: str
    description: str
    kind: str
    renewal: str
    renewal_months: int | None


def _not_found(field: str = "id") -> Any:
    return field_error(FormErrorCode.NOT_FOUND, "No such form.", field)


def _clean_name(name: Any, *, exclude_id: int | None = None) -> str:
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned or len(cleaned) > NAME_MAX:
        raise field_error(
            FormErrorCode.VALUE_INVALID, f"Give a name of 1 to {NAME_MAX} characters.", "name"
        )
    taken = FormTemplate.objects.filter(name=cleaned, archived_at__isnull=True)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise field_error(FormErrorCode.NAME_TAKEN, "Another form has this name.", "name")
    return cleaned


def _clean_renewal(renewal: str, months: int | None) -> tuple[str, int | None]:
    if renewal not in Renewal.values:
        raise field_error(FormErrorCode.RENEWAL_INVALID, "Unknown renewal.", "renewal")
    if renewal != Renewal.MONTHS:
        return renewal, None
    if months is None or not 1 <= months <= RENEWAL_MONTHS_MAX:
        raise field_error(
            FormErrorCode.RENEWAL_INVALID,
            f"Renew every 1 to {RENEWAL_MONTHS_MAX} months.",
            "renewal_months",
        )
    return renewal, months


def _clean_description(description: Any) -> str:
    if not isinstance(description, str) or len(description) > DESCRIPTION_MAX:
        raise field_error(
            FormErrorCode.VALUE_INVALID,
            f"At most {DESCRIPTION_MAX} characters.",
            "description",
        )
    return description.strip()


def _clean_kind(kind: Any) -> str:
    if kind not in FormKind.values:
        raise field_error(FormErrorCode.VALUE_INVALID, "Unknown kind of form.", "kind")
    return str(kind)


def form_template_create(
    *,
    name: str,
    kind: str,
    description: str = "",
    renewal: str = Renewal.ONCE,
    renewal_months: int | None = None,
    draft: dict[str, Any] | None = None,
    starter_key: str = "",
) -> FormTemplate:
    """A new template with an empty draft (or `draft`, validated), unpublished."""
    with transaction.atomic():
        renewal, renewal_months = _clean_renewal(renewal, renewal_months)
        template = FormTemplate(
            name=_clean_name(name),
            kind=_clean_kind(kind),
            description=_clean_description(description),
            renewal=renewal,
            renewal_months=renewal_months,
            draft=schema_validate(draft) if draft is not None else {"sections": []},
            starter_key=starter_key,
        )
        template.save()
    return template


def _locked(template_id: int | None, *, live: bool = True) -> FormTemplate:
    template = (
        FormTemplate.objects.select_for_update().filter(pk=template_id).first()
        if template_id is not None
        else None
    )
    if template is None:
        raise _not_found()
    if live and template.archived_at is not None:
        raise field_error(FormErrorCode.ARCHIVED, "Restore this form before changing it.", "id")
    return template


def form_template_update(
    *, template_id: int | None, **changes: Unpack[FormTemplateChanges]
) -> FormTemplate:
    """Change the given details (others stay). A renewal other than "months"
    clears the months; the kind is fixed once a version is published."""
    with transaction.atomic():
        template = _locked(template_id)
        cleaned: dict[str, Any] = {}
        if "name" in changes:
            cleaned["name"] = _clean_name(changes["name"], exclude_id=template.pk)
        if "description" in changes:
            cleaned["description"] = _clean_description(changes["description"])
        if "kind" in changes:
            cleaned["kind"] = _clean_kind(changes["kind"])
            if cleaned["kind"] != template.kind and template.versions.exists():
                raise field_error(
                    FormErrorCode.VALUE_INVALID,
                    "A published form keeps its kind; make a new form instead.",
                    "kind",
                )
        if "renewal" in changes or "renewal_months" in changes:
            renewal = changes.get("renewal", template.renewal)
            months = changes.get("renewal_months", template.renewal_months)
            cleaned["renewal"], cleaned["renewal_months"] = _clean_renewal(renewal, months)
        changed = apply_changes(template, cleaned)
        if changed:
            template.save(update_fields=[*changed, "updated_at"])
    return template


def form_template_draft_save(*, template_id: int | None, schema: Any) -> FormTemplate:
    """Replace the draft with `schema`, validated (every fault at once, by path)."""
    cleaned = schema_validate(schema)
    with transaction.atomic():
        template = _locked(template_id)
        if template.draft != cleaned:
            template.draft = cleaned
            template.save(update_fields=["draft", "updated_at"])
    return template


def form_template_publish(*, template_id: int | None, user_id: int | None) -> FormVersion:
    """Freeze the draft into version N+1 with its content hash. Refuses an
    empty or invalid draft; a draft equal to the latest version (same title,
    kind and schema) publishes nothing and returns that version."""
    with transaction.atomic():
        template = _locked(template_id)
        schema = schema_validate(template.draft)
        if schema_is_empty(schema):
            raise field_error(
                FormErrorCode.DRAFT_EMPTY, "Add at least one question before publishing.", "id"
            )
        content_hash = version_content_hash(title=template.name, kind=template.kind, schema=schema)
        latest = template.versions.order_by("-number").first()
        if latest is not None and latest.content_hash == content_hash:
            return latest
        version = FormVersion.objects.create(
            template=template,
            number=(latest.number + 1) if latest else 1,
            title=template.name,
            kind=template.kind,
            schema=schema,
            content_hash=content_hash,
            published_at=timezone.now(),
            published_by_user_id=user_id,
        )
        template.save(update_fields=["updated_at"])
    return version


def form_template_archive(*, template_id: int | None) -> FormTemplate:
    """Retire a template: no longer required by any service or offered; its
    versions and responses stay. Restore undoes it (the services' requirements
    are not brought back)."""
    with transaction.atomic():
        template = _locked(template_id, live=False)
        if template.archived_at is None:
            template.archived_at = timezone.now()
            template.save(update_fields=["archived_at", "updated_at"])
            ServiceForm.objects.filter(template=template).delete()
    return template


def form_template_restore(*, template_id: int | None) -> FormTemplate:
    with transaction.atomic():
        template = _locked(template_id, live=False)
        if template.archived_at is not None:
            _clean_name(template.name, exclude_id=template.pk)
            template.archived_at = None
            template.save(update_fields=["archived_at", "updated_at"])
    return template


def service_forms_set(*, service_id: int | None, template_ids: list[int]) -> list[FormTemplate]:
    """The forms a service requires, replaced whole by `template_ids` (live
    templates only). Returns them by name."""
    ids = list(dict.fromkeys(template_ids))
    if len(ids) > SERVICE_FORMS_MAX:
        raise field_error(
            FormErrorCode.VALUE_INVALID,
            f"A service requires at most {SERVICE_FORMS_MAX} forms.",
            "template_ids",
        )
    with transaction.atomic():
        service = (
            Service.objects.select_for_update().filter(pk=service_id).first()
            if service_id is not None
            else None
        )
        if service is None:
            raise field_error(FormErrorCode.NOT_FOUND, "No such service.", "service_id")
        templates = list(FormTemplate.objects.filter(pk__in=ids, archived_at__isnull=True))
        if len(templates) != len(ids):
            raise field_error(
                FormErrorCode.NOT_FOUND, "No such form, or it is archived.", "template_ids"
            )
        ServiceForm.objects.filter(service=service).exclude(template_id__in=ids).delete()
        have = set(
            ServiceForm.objects.filter(service=service).values_list("template_id", flat=True)
        )
        ServiceForm.objects.bulk_create(
            [ServiceForm(service=service, template_id=pk) for pk in ids if pk not in have]
        )
    return sorted(templates, key=lambda t: (t.name, t.pk))
