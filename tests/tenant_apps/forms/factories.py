"""Forms for tests, made through the services (use them on a spa's schema)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from tenant_apps.audit.services import Actor
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.models import FormResponse, FormVersion
from tenant_apps.forms.services.responses import form_response_record
from tenant_apps.forms.services.templates import form_template_create, form_template_publish

_names = itertools.count(1)
ACTOR = Actor.system("test")


def a_schema(*, signature: bool = True) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [
        {"key": "smoker", "type": "yes_no", "label": "Do you smoke?", "required": True},
        {
            "key": "per_day",
            "type": "number",
            "label": "How many a day?",
            "required": True,
            "min": 1,
            "max": 100,
            "show_if": {"field": "smoker", "equals": True},
        },
        {
            "key": "allergies",
            "type": "text",
            "label": "Allergies",
            "required": False,
            "maps_to": "allergies",
        },
    ]
    if signature:
        fields.append(
            {
                "key": "signature",
                "type": "signature",
                "label": "Signature",
                "required": True,
                "meaning": "I confirm my answers.",
            }
        )
    return {"sections": [{"key": "main", "title": "Main", "show_if": None, "fields": fields}]}


def a_version(
    *,
    kind: str = "intake",
    renewal: str = "once",
    renewal_months: int | None = None,
    schema: dict[str, Any] | None = None,
    name: str | None = None,
) -> FormVersion:
    template = form_template_create(
        name=name or f"Test form {next(_names)}",
        kind=kind,
        renewal=renewal,
        renewal_months=renewal_months,
        draft=schema if schema is not None else a_schema(),
    )
    return form_template_publish(template_id=template.pk, user_id=None)


def evidence(*, name: str = "Jane Doe", at: dt.datetime | None = None) -> SignatureEvidence:
    moment = at or dt.datetime.now(dt.UTC)
    return SignatureEvidence(
        typed_name=name,
        drawn_image_file_id=None,
        meaning="I confirm my answers.",
        disclosure_version="2026-01",
        electronic_consent_at=moment,
        signed_at=moment,
        ip="203.0.113.7",
        user_agent="pytest",
    )


def a_response(
    *,
    client_id: int,
    version: FormVersion,
    answers: dict[str, Any] | None = None,
    decision: str | None = None,
    appointment_id: int | None = None,
    now: dt.datetime | None = None,
    **extra: Any,
) -> FormResponse:
    signed = any(f["type"] == "signature" for s in version.schema["sections"] for f in s["fields"])
    return form_response_record(
        actor=ACTOR,
        client_id=client_id,
        version_id=version.pk,
        answers=answers if answers is not None else {"smoker": False},
        source="staff",
        decision=decision,
        evidence=evidence(at=now) if signed else None,
        appointment_id=appointment_id,
        now=now,
        **extra,
    )
