"""What links and the treatment gate ask of the forms requirements: for an
appointment (or a client), which templates are still to be filled, and the
current version of each.

PROVISIONAL until forms-core's requirements land (`appointments_forms_status`):
the templates its services require (ServiceForm), each satisfied by a response
of the client to any of its versions that still counts (per visit: for this
appointment; in months: until `valid_until`; once: for ever).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from tenant_apps.clients.models import Client
from tenant_apps.forms.models import (
    Decision,
    FormResponse,
    FormTemplate,
    FormVersion,
    Renewal,
    ServiceForm,
)
from tenant_apps.scheduling.models import Appointment, AppointmentService

MISSING = "missing"
EXPIRED = "expired"
DECLINED = "declined"
DONE = "done"


@dataclass(frozen=True)
class FormState:
    template_id: int
    template_name: str
    kind: str
    state: str  # MISSING, EXPIRED, DECLINED, DONE


def appointments_form_states(
    *, appointment_ids: Sequence[int], now: dt.datetime
) -> dict[int, list[FormState]]:
    """Per appointment, each required template and where it stands, in a fixed
    number of queries."""
    appointments = list(
        Appointment.objects.filter(pk__in=appointment_ids).values_list(
            "pk", "client_id", "starts_at"
        )
    )
    lines = AppointmentService.objects.filter(appointment_id__in=appointment_ids).values_list(
        "appointment_id", "service_id"
    )
    services_of: dict[int, set[int]] = defaultdict(set)
    for appointment_id, service_id in lines:
        services_of[appointment_id].add(service_id)
    required: dict[int, list[int]] = defaultdict(list)
    for service_id, template_id in ServiceForm.objects.filter(
        service_id__in={s for ids in services_of.values() for s in ids},
        template__archived_at__isnull=True,
    ).values_list("service_id", "template_id"):
        required[service_id].append(template_id)
    templates = {
        t.pk: t
        for t in FormTemplate.objects.filter(
            pk__in={t for ids in required.values() for t in ids}
        ).only("pk", "name", "kind", "renewal")
    }
    client_ids = {client_id for _, client_id, _ in appointments}
    responses: dict[tuple[int, int], list[tuple[str, int | None, dt.datetime | None]]] = (
        defaultdict(list)
    )
    for client_id, template_id, decision, appointment_id, valid_until in (
        FormResponse.objects.filter(client_id__in=client_ids, version__template_id__in=templates)
        .order_by("-submitted_at", "-id")
        .values_list(
            "client_id", "version__template_id", "decision", "appointment_id", "valid_until"
        )
    ):
        responses[(client_id, template_id)].append((decision, appointment_id, valid_until))
    result: dict[int, list[FormState]] = {}
    for appointment_id, client_id, starts_at in appointments:
        wanted = sorted(
            {t for s in services_of[appointment_id] for t in required[s]},
            key=lambda pk: (templates[pk].name, pk),
        )
        states = []
        for template_id in wanted:
            template = templates[template_id]
            state = MISSING
            for decision, answered_for, valid_until in responses[(client_id, template_id)]:
                if template.renewal == Renewal.PER_VISIT and answered_for != appointment_id:
                    continue
                if valid_until is not None and valid_until < max(starts_at, now):
                    state = EXPIRED
                    continue
                state = DECLINED if decision == Decision.DECLINED else DONE
                break
            states.append(FormState(template_id, template.name, template.kind, state))
        result[appointment_id] = states
    return result


def outstanding_versions(
    *, client: Client, appointment: Appointment | None, now: dt.datetime
) -> list[FormVersion]:
    """The current version of each template still to fill (missing or
    expired) for an appointment; without one, the client's intake and policy
    templates never answered or expired."""
    if appointment is not None:
        states = appointments_form_states(appointment_ids=[appointment.pk], now=now)
        template_ids = [
            s.template_id for s in states.get(appointment.pk, []) if s.state in (MISSING, EXPIRED)
        ]
    else:
        answered = FormResponse.objects.filter(client=client).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )
        template_ids = list(
            FormTemplate.objects.filter(archived_at__isnull=True, kind__in=("intake", "policy"))
            .exclude(pk__in=answered.values("version__template_id"))
            .values_list("pk", flat=True)
        )
    return current_versions(template_ids)


def current_versions(template_ids: Sequence[int]) -> list[FormVersion]:
    """The latest published version of each template (those never published
    are left out), in the order given."""
    latest: dict[int, FormVersion] = {}
    for version in FormVersion.objects.filter(template_id__in=template_ids).order_by(
        "template_id", "-number"
    ):
        latest.setdefault(version.template_id, version)
    return [latest[pk] for pk in template_ids if pk in latest]
