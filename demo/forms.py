"""Demo forms for the current spa: a medical intake, neurotoxin and filler
consents and a photo consent, required by the injectables; about half of
today's patients have signed theirs (recorded through forms-core's
`form_response_record`, so the hashes are real), the rest still have forms
outstanding, so the desk shows both states. Idempotent: a spa with any form
template is left as it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tenant_apps.audit.services import Actor
from tenant_apps.catalog.models import Service
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.models import FormTemplate, FormVersion
from tenant_apps.forms.services.responses import form_response_record
from tenant_apps.forms.services.templates import (
    form_template_create,
    form_template_publish,
    service_forms_set,
)
from tenant_apps.scheduling.models import HOLDING_STATUSES, Appointment

INTAKE: dict[str, Any] = {
    "sections": [
        {
            "key": "history",
            "title": "Medical history",
            "fields": [
                {
                    "key": "allergies",
                    "type": "text",
                    "label": "Allergies (medicines, latex, foods)",
                    "required": False,
                    "maps_to": "allergies",
                },
                {
                    "key": "medications",
                    "type": "text",
                    "label": "Medicines you take",
                    "required": False,
                    "maps_to": "medications",
                },
                {
                    "key": "pregnant",
                    "type": "yes_no",
                    "label": "Are you pregnant or breastfeeding?",
                    "required": True,
                },
                {
                    "key": "sign",
                    "type": "signature",
                    "label": "Signature",
                    "required": True,
                    "meaning": "The answers above are true and complete to my knowledge.",
                },
            ],
        }
    ]
}


def _consent(treatment: str) -> dict[str, Any]:
    return {
        "sections": [
            {
                "key": "consent",
                "title": f"{treatment} consent",
                "fields": [
                    {
                        "key": "risks",
                        "type": "markdown",
                        "content": f"**{treatment}.** Common effects: redness, swelling, "
                        "bruising and tenderness at the injection sites for a few days. "
                        "Rare: asymmetry, infection, allergic reaction.",
                    },
                    {
                        "key": "questions",
                        "type": "yes_no",
                        "label": "My questions were answered",
                        "required": True,
                    },
                    {
                        "key": "initials",
                        "type": "initials",
                        "label": "Initial to confirm you read the risks",
                        "required": True,
                    },
                    {
                        "key": "sign",
                        "type": "signature",
                        "label": "Signature",
                        "required": True,
                        "meaning": f"I consent to {treatment.lower()} treatment as described.",
                    },
                ],
            }
        ]
    }


PHOTO: dict[str, Any] = {
    "sections": [
        {
            "key": "photos",
            "title": "Photos",
            "fields": [
                {
                    "key": "about",
                    "type": "markdown",
                    "content": "We take before and after photos for your clinical record. "
                    "With your permission, we may also use them in our marketing.",
                },
                {
                    "key": "sign",
                    "type": "signature",
                    "label": "Signature",
                    "required": True,
                    "meaning": "I agree to photos as chosen above.",
                },
            ],
        }
    ]
}

TOXINS = ("Botox, three areas", "Dysport, three areas", "Lip flip")
FILLERS = ("Lip filler, one syringe", "Cheek filler, two syringes", "Under-eye filler")


def _template(name: str, kind: str, schema: dict[str, Any], **extra: Any) -> FormVersion:
    template = form_template_create(name=name, kind=kind, draft=schema, **extra)
    return form_template_publish(template_id=template.pk, user_id=None)


def _sign(
    *,
    actor: Actor,
    spa_name: str,
    appointment: Appointment,
    version: FormVersion,
    signed_at: dt.datetime,
) -> None:
    client = appointment.client
    name = f"{client.first_name} {client.last_name}"
    answers: dict[str, Any] = {"sign": {"typed_name": name}}
    decision = None
    photo_scope = ""
    if version.kind == "intake":
        answers.update(allergies="", medications="", pregnant=False)
    elif version.kind == "consent":
        answers.update(questions=True, initials={"initials": client.first_name[:1] + "X"})
        decision = "accepted"
    elif version.kind == "photo_consent":
        decision, photo_scope = "accepted", "clinical"
    form_response_record(
        actor=actor,
        client_id=client.pk,
        version_id=version.pk,
        answers=answers,
        source="tablet",
        decision=decision,
        photo_scope=photo_scope,
        evidence=SignatureEvidence(
            typed_name=name,
            drawn_image_file_id=None,
            meaning=next(
                f.get("meaning", "")
                for s in version.schema["sections"]
                for f in s["fields"]
                if f["type"] == "signature"
            ),
            disclosure_version=DISCLOSURE_VERSION,
            electronic_consent_at=signed_at,
            signed_at=signed_at,
            ip="203.0.113.10",
            user_agent="Demo tablet",
        ),
        disclosure_text=disclosure_text(spa_name=spa_name),
        appointment_id=appointment.pk,
        now=signed_at,
    )


def seed_forms(*, spa_name: str) -> int:
    """Templates, requirements and today's signed forms; how many responses made."""
    if FormTemplate.objects.exists():
        return 0
    actor = Actor.system("demo")
    intake = _template("Medical intake", "intake", INTAKE, renewal="months", renewal_months=12)
    toxin = _template("Neurotoxin consent", "consent", _consent("Neurotoxin"))
    filler = _template("Dermal filler consent", "consent", _consent("Dermal filler"))
    photo = _template("Photo consent", "photo_consent", PHOTO)
    required: dict[str, list[FormVersion]] = {
        **{name: [intake, toxin, photo] for name in TOXINS},
        **{name: [intake, filler, photo] for name in FILLERS},
    }
    for service in Service.objects.filter(name__in=required):
        service_forms_set(
            service_id=service.pk, template_ids=[v.template_id for v in required[service.name]]
        )
    now = timezone.now()
    today = list(
        Appointment.objects.select_related("client")
        .filter(
            status__in=HOLDING_STATUSES,
            starts_at__date=now.date(),
            lines__service__name__in=required,
            client__archived_at__isnull=True,
        )
        .distinct()
        .order_by("starts_at", "id")
    )
    made = 0
    for n, appointment in enumerate(today):
        if n % 2:
            continue  # forms outstanding: the desk sees "forms missing"
        services = appointment.lines.values_list("service__name", flat=True)
        versions = {v.pk: v for name in services for v in required.get(name, [])}
        for version in versions.values():
            _sign(
                actor=actor,
                spa_name=spa_name,
                appointment=appointment,
                version=version,
                signed_at=now - dt.timedelta(hours=2),
            )
            made += 1
    return made
