"""A realistic signed consent as `DocumentContent` (tenant_apps/forms/pdf.py),
with a drawn signature image, for the PDF and signing tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

from PIL import Image, ImageDraw

from tenant_apps.forms.pdf import DocumentContent, SignatureEvidence

SIGNED_AT = dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.UTC)

SCHEMA: dict[str, Any] = {
    "sections": [
        {
            "key": "about",
            "title": "About you",
            "show_if": None,
            "fields": [
                {
                    "key": "sex",
                    "type": "choice",
                    "label": "Sex assigned at birth",
                    "required": True,
                    "options": [
                        {"value": "female", "label": "Female"},
                        {"value": "male", "label": "Male"},
                    ],
                },
                {
                    "key": "pregnant",
                    "type": "yes_no",
                    "label": "Are you pregnant or breastfeeding?",
                    "required": True,
                    "show_if": {"field": "sex", "equals": "female"},
                },
                {
                    "key": "conditions",
                    "type": "multi_choice",
                    "label": "Do you have any of these conditions?",
                    "options": [
                        {"value": "myasthenia", "label": "Myasthenia gravis"},
                        {"value": "bleeding", "label": "A bleeding disorder"},
                        {"value": "allergy_albumin", "label": "Allergy to albumin"},
                    ],
                },
                {"key": "last_treatment", "type": "date", "label": "Last neurotoxin treatment"},
                {
                    "key": "units",
                    "type": "number",
                    "label": "Units last time",
                    "min": 0,
                    "max": 400,
                },
            ],
        },
        {
            "key": "pregnancy",
            "title": "Pregnancy",
            "show_if": {"field": "sex", "equals": "female"},
            "fields": [{"key": "due_date", "type": "date", "label": "Due date"}],
        },
        {
            "key": "consent",
            "title": "Consent",
            "fields": [
                {
                    "key": "risks",
                    "type": "markdown",
                    "content": "Risks include bruising, headache and, rarely, drooping of the eyelid.",
                },
                {
                    "key": "initials",
                    "type": "initials",
                    "label": "Initial to confirm you read the risks",
                },
                {
                    "key": "signature",
                    "type": "signature",
                    "label": "Signature",
                    "required": True,
                    "meaning": "I consent to neurotoxin treatment as described above.",
                },
            ],
        },
    ]
}

ANSWERS: dict[str, Any] = {
    "sex": "male",
    "conditions": ["bleeding", "allergy_albumin"],
    "last_treatment": "2025-11-02",
    "units": 24,
    "initials": {"initials": "ZN"},
    "signature": {"typed_name": "Zoë Nguyễn", "image_file_id": 7},
}


def signature_png() -> bytes:
    image = Image.new("RGB", (600, 200), "white")
    ImageDraw.Draw(image).line(
        [(20, 150), (120, 40), (220, 160), (330, 50), (450, 140), (580, 60)], fill="black", width=6
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def consent_content(**changes: Any) -> DocumentContent:
    content = DocumentContent(
        spa_name="Glow Aesthetics",
        spa_timezone="America/New_York",
        platform_name="MedSpa Platform",
        response_id=4242,
        form_title="Neurotoxin consent",
        version_number=3,
        content_hash="a1" * 32,
        schema=SCHEMA,
        answers=ANSWERS,
        decision="accepted",
        photo_scope="",
        shown_hash="b2" * 32,
        document_hash="c3" * 32,
        submitted_at=SIGNED_AT,
        signature=SignatureEvidence(
            typed_name="Zoë Nguyễn",
            meaning="I consent to neurotoxin treatment as described above.",
            signed_at=SIGNED_AT,
            electronic_consent_at=SIGNED_AT - dt.timedelta(minutes=4),
            disclosure_version="2026-01",
            disclosure_text="You agree to use electronic records and signatures for these forms.",
            ip_address="203.0.113.7",
            user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)",
            image=signature_png(),
        ),
    )
    return dataclasses.replace(content, **changes)
