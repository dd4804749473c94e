"""Reading forms: templates, versions, responses; what an appointment still
needs; a client's photo consent."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from tenant_apps.forms.models import (
    Decision,
    FormKind,
    FormResponse,
    FormTemplate,
    FormVersion,
    Renewal,
    ServiceForm,
)
from tenant_apps.scheduling.models import Appointment, AppointmentService

FormState = Literal["missing", "expired", "declined", "complete"]


@dataclass(frozen=True)
class FormStatus:
    """Where one required form stands for one appointment."""

    template: FormTemplate
    state: FormState
    response_id: int | None
    valid_until: datetime | None


def form_template_list(
    *, kind: str | None = None, include_archived: bool = False
) -> QuerySet[FormTemplate]:
    templates = FormTemplate.objects.all()
    if kind is not None:
        templates = templates.filter(kind=kind)
    if not include_archived:
        templates = templates.filter(archived_at__isnull=True)
    return templates.order_by("name", "id")


def form_template_get(*, template_id: int | None) -> FormTemplate | None:
    return FormTemplate.objects.filter(pk=template_id).first() if template_id is not None else None


def form_version_get(*, version_id: int | None) -> FormVersion | None:
    if version_id is None:
        return None
    return FormVersion.objects.select_related("template").filter(pk=version_id).first()


def form_template_latest_versions(*, template_ids: Iterable[int]) -> dict[int, FormVersion]:
    """Each template's latest version (one query)."""
    versions = (
        FormVersion.objects.filter(template_id__in=list(template_ids))
        .order_by("template_id", "-number")
        .distinct("template_id")
    )
    return {v.template_id: v for v in versions}


def service_required_forms(
    *, service_ids: Iterable[int], published_only: bool = False
) -> dict[int, list[FormTemplate]]:
    """The live templates each service requires, by name (one query);
    `published_only`: those with a version, the only ones a patient can fill."""
    ids = list(service_ids)
    required: dict[int, list[FormTemplate]] = {pk: [] for pk in ids}
    rows = (
        ServiceForm.objects.filter(service_id__in=ids, template__archived_at__isnull=True)
        .select_related("template")
        .order_by("template__name", "template_id")
    )
    if published_only:
        rows = rows.filter(Exists(FormVersion.objects.filter(template_id=OuterRef("template_id"))))
    for row in rows:
        required[row.service_id].append(row.template)
    return required


def client_form_responses(*, client_id: int) -> QuerySet[FormResponse]:
    """A client's responses, newest first (paginate them)."""
    return FormResponse.objects.filter(client_id=client_id).order_by("-submitted_at", "-id")


def form_response_get(*, response_id: int | None) -> FormResponse | None:
    if response_id is None:
        return None
    return (
        FormResponse.objects.select_related("version", "version__template", "signature")
        .filter(pk=response_id)
        .first()
    )


def _state(
    renewal: str, responses: list[dict], appointment_id: int, starts_at: datetime
) -> tuple[FormState, dict | None]:
    """The state of one form for one appointment from the client's responses to
    it (newest first)."""
    if renewal == Renewal.PER_VISIT:
        candidates = [r for r in responses if r["appointment_id"] == appointment_id]
    elif renewal == Renewal.MONTHS:
        candidates = [
            r for r in responses if r["valid_until"] is None or r["valid_until"] > starts_at
        ]
    else:
        candidates = responses
    if candidates:
        latest = candidates[0]
        return ("declined" if latest["decision"] == Decision.DECLINED else "complete"), latest
    if renewal == Renewal.MONTHS and responses:
        return "expired", responses[0]
    return "missing", None


def appointments_forms_status(*, appointment_ids: Iterable[int]) -> dict[int, list[FormStatus]]:
    """For each appointment, the forms its services require (live, published
    templates, by name) and where each stands for its client:

    - "once": the latest response ever counts;
    - "months": the latest response still valid at the appointment's start
      ("expired" when there are only older ones);
    - "per visit": the latest response tied to this appointment;

    a response to any version of the template counts, and when the one that
    counts is a decline the form is "declined". Four queries, however many
    appointments; unknown ids are left out."""
    ids = list(dict.fromkeys(appointment_ids))
    appointments = list(
        Appointment.objects.filter(pk__in=ids).values_list("id", "client_id", "starts_at")
    )
    if not appointments:
        return {}
    services: dict[int, list[int]] = defaultdict(list)
    for appointment_id, service_id in (
        AppointmentService.objects.filter(appointment_id__in=ids)
        .order_by("appointment_id", "position")
        .values_list("appointment_id", "service_id")
    ):
        services[appointment_id].append(service_id)
    # A template never published cannot be asked for (a link sends versions):
    # it must not hold an appointment at the gate.
    by_service = service_required_forms(
        service_ids={s for listed in services.values() for s in listed}, published_only=True
    )
    template_ids = {t.pk for templates in by_service.values() for t in templates}
    responses: dict[tuple[int, int], list[dict]] = defaultdict(list)
    if template_ids:
        rows = (
            FormResponse.objects.filter(
                client_id__in={client_id for _, client_id, _ in appointments},
                version__template_id__in=template_ids,
            )
            .order_by("-submitted_at", "-id")
            .values(
                "id",
                "client_id",
                "version__template_id",
                "decision",
                "valid_until",
                "appointment_id",
            )
        )
        for row in rows:
            responses[(row["client_id"], row["version__template_id"])].append(dict(row))
    result: dict[int, list[FormStatus]] = {}
    for appointment_id, client_id, starts_at in appointments:
        required = {
            t.pk: t for service_id in services[appointment_id] for t in by_service[service_id]
        }
        statuses = []
        for template in sorted(required.values(), key=lambda t: (t.name, t.pk)):
            state, response = _state(
                template.renewal, responses[(client_id, template.pk)], appointment_id, starts_at
            )
            statuses.append(
                FormStatus(
                    template=template,
                    state=state,
                    response_id=response["id"] if response else None,
                    valid_until=response["valid_until"] if response else None,
                )
            )
        result[appointment_id] = statuses
    return result


def photo_consent_response(*, client_id: int, at: datetime | None = None) -> FormResponse | None:
    """The client's photo consent in force: their latest photo-consent response
    if it was accepted and has not expired (a later decline withdraws an earlier
    acceptance); None otherwise."""
    latest = (
        FormResponse.objects.filter(client_id=client_id, version__kind=FormKind.PHOTO_CONSENT)
        .order_by("-submitted_at", "-id")
        .first()
    )
    moment = at or timezone.now()
    if latest is None or latest.decision != Decision.ACCEPTED:
        return None
    if latest.valid_until is not None and latest.valid_until <= moment:
        return None
    return latest


def photo_consent_scope(*, client_id: int) -> Literal["none", "clinical", "marketing"]:
    """What the client's photo consent allows: "none", "clinical" (the chart
    only) or "marketing" (the chart and marketing)."""
    response = photo_consent_response(client_id=client_id)
    if response is None:
        return "none"
    return "marketing" if response.photo_scope == "marketing" else "clinical"
