"""What links and the treatment gate ask of the forms requirements
(`appointments_forms_status`, tenant_apps/forms/selectors.py): for
an appointment (or a client), which templates are still to be filled, and the
current version of each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q

from tenant_apps.clients.models import Client
from tenant_apps.forms.models import FormKind, FormResponse, FormTemplate, FormVersion
from tenant_apps.forms.selectors import appointments_forms_status, form_template_latest_versions
from tenant_apps.scheduling.models import Appointment

MISSING = "missing"
EXPIRED = "expired"
DECLINED = "declined"
DONE = "complete"
# Still to be filled: a link asks for these.
TO_FILL = (MISSING, EXPIRED)


@dataclass(frozen=True)
class FormState:
    template_id: int
    template_name: str
    kind: str
    state: str  # MISSING, EXPIRED, DECLINED, DONE


def appointments_form_states(
    *, appointment_ids: Sequence[int], now: dt.datetime | None = None
) -> dict[int, list[FormState]]:
    """Per appointment, each required template and where it stands (a fixed
    number of queries; unknown ids left out)."""
    return {
        appointment_id: [
            FormState(s.template.pk, s.template.name, s.template.kind, s.state) for s in statuses
        ]
        for appointment_id, statuses in appointments_forms_status(
            appointment_ids=appointment_ids
        ).items()
    }


def outstanding_versions(
    *, client: Client, appointment: Appointment | None, now: dt.datetime
) -> list[FormVersion]:
    """The current version of each template still to fill (missing or
    expired) for an appointment; without one, the client's intake and policy
    templates never answered or expired. Templates never published are left out."""
    if appointment is not None:
        states = appointments_form_states(appointment_ids=[appointment.pk])
        template_ids = [s.template_id for s in states.get(appointment.pk, []) if s.state in TO_FILL]
    else:
        answered = FormResponse.objects.filter(client=client).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        )
        template_ids = list(
            FormTemplate.objects.filter(
                archived_at__isnull=True, kind__in=(FormKind.INTAKE, FormKind.POLICY)
            )
            .exclude(pk__in=answered.values("version__template_id"))
            .order_by("name", "id")
            .values_list("pk", flat=True)
        )
    latest = form_template_latest_versions(template_ids=template_ids)
    return [latest[pk] for pk in template_ids if pk in latest]
