"""Demo signed forms for the current spa: about half of today's patients whose
services require forms (demo/forms.py) have signed them all at the desk's
tablet, recorded through `form_response_record` (so the hashes
and the evidence are real); the other half still have forms outstanding, so
the desk shows both states. Idempotent: a spa with any response is left as
it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.models import FormKind, FormResponse, FormVersion
from tenant_apps.forms.outstanding_links import TO_FILL, appointments_form_states
from tenant_apps.forms.schema import schema_fields, visible_fields
from tenant_apps.forms.selectors import form_template_latest_versions
from tenant_apps.forms.services.responses import form_response_record
from tenant_apps.scheduling.models import HOLDING_STATUSES, Appointment


def _value(field: dict[str, Any], *, name: str, initials: str) -> Any:
    """A plausible answer to a field: the least a patient would give."""
    kind = field["type"]
    if kind == "signature":
        return {"typed_name": name}
    if kind == "initials":
        return {"initials": initials}
    if not field.get("required"):
        return None
    options = [o["value"] for o in field.get("options") or []]
    return {
        "text": "None",
        "yes_no": False,
        "choice": options[0] if options else None,
        "multi_choice": options[:1],
        "date": "1990-01-01",
        "number": field.get("min", 0),
    }.get(kind)


def demo_answers(schema: dict[str, Any], *, name: str, initials: str) -> dict[str, Any]:
    """Answers to every required visible field (conditions followed)."""
    answers: dict[str, Any] = {}
    for _ in range(len(list(schema_fields(schema))) + 1):
        added = False
        for field in visible_fields(schema, answers):
            if field["key"] in answers or field["type"] == "markdown":
                continue
            value = _value(field, name=name, initials=initials)
            if value is not None:
                answers[field["key"]] = value
                added = True
        shown = {f["key"] for f in visible_fields(schema, answers)}
        answers = {k: v for k, v in answers.items() if k in shown}
        if not added:
            break
    return answers


def _meaning(schema: dict[str, Any]) -> str:
    for _section, field in schema_fields(schema):
        if field["type"] == "signature":
            return str(field.get("meaning") or "")
    return ""


def _sign(
    *, actor: Actor, spa_name: str, appointment: Appointment, version: FormVersion, at: dt.datetime
) -> bool:
    client: Client = appointment.client
    name = f"{client.first_name} {client.last_name}"
    decision, scope = None, ""
    if version.kind in (FormKind.CONSENT, FormKind.PHOTO_CONSENT):
        decision = "accepted"
        scope = "clinical" if version.kind == FormKind.PHOTO_CONSENT else ""
    try:
        form_response_record(
            actor=actor,
            client_id=client.pk,
            version_id=version.pk,
            answers=demo_answers(
                version.schema, name=name, initials=(client.first_name[:1] + client.last_name[:1])
            ),
            source="tablet",
            decision=decision,
            photo_scope=scope,
            evidence=SignatureEvidence(
                typed_name=name,
                drawn_image_file_id=None,
                meaning=_meaning(version.schema),
                disclosure_version=DISCLOSURE_VERSION,
                electronic_consent_at=at,
                signed_at=at,
                ip="203.0.113.10",
                user_agent="Demo tablet",
            ),
            disclosure_text=disclosure_text(spa_name=spa_name),
            appointment_id=appointment.pk,
            now=at,
        )
    except ValidationError:
        return False  # a form the demo cannot fill (a required photo): left outstanding
    return True


def seed_signed_forms(*, spa_name: str) -> int:
    """Sign every outstanding form of every other of today's appointments; how
    many responses were made."""
    if FormResponse.objects.exists():
        return 0
    actor = Actor.system("demo")
    now = timezone.now()
    today = list(
        Appointment.objects.select_related("client")
        .filter(
            status__in=HOLDING_STATUSES,
            starts_at__date=now.date(),
            client__archived_at__isnull=True,
        )
        .order_by("starts_at", "id")
    )
    states = appointments_form_states(appointment_ids=[a.pk for a in today])
    wanting = [a for a in today if any(s.state in TO_FILL for s in states.get(a.pk, []))]
    latest = form_template_latest_versions(
        template_ids={s.template_id for a in wanting for s in states[a.pk]}
    )
    made = 0
    for appointment in wanting[::2]:
        for state in states[appointment.pk]:
            version = latest.get(state.template_id)
            if state.state in TO_FILL and version is not None:
                made += _sign(
                    actor=actor,
                    spa_name=spa_name,
                    appointment=appointment,
                    version=version,
                    at=now - dt.timedelta(hours=2),
                )
    return made
