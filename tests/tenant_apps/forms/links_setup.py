"""Shared set-up of the forms links and gate tests: an appointment whose
service requires a consent (with a signature field) and an intake, published
through the forms services, and a patient's drawn signature."""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from PIL import Image

from tenant_apps.clients.models import Client
from tenant_apps.forms.models import FormTemplate, FormVersion
from tenant_apps.forms.services.templates import (
    form_template_create,
    form_template_publish,
    service_forms_set,
)
from tenant_apps.scheduling.models import Appointment, AppointmentService
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.messaging.clock import noon_zone
from tests.tenant_apps.scheduling.factories import AppointmentFactory, a_desk

DOB = dt.date(1988, 4, 12)

CONSENT_SCHEMA: dict[str, Any] = {
    "sections": [
        {
            "key": "consent",
            "title": "Toxin consent",
            "fields": [
                {"key": "risks", "type": "markdown", "content": "Bruising, headache."},
                {"key": "understood", "type": "yes_no", "label": "I understand", "required": True},
                {
                    "key": "sign",
                    "type": "signature",
                    "label": "Signature",
                    "required": True,
                    "meaning": "I consent to the treatment described.",
                },
            ],
        }
    ]
}
INTAKE_SCHEMA: dict[str, Any] = {
    "sections": [
        {
            "key": "history",
            "title": "Medical history",
            "fields": [
                {"key": "allergies", "type": "text", "label": "Allergies", "required": False},
                {"key": "pregnant", "type": "yes_no", "label": "Pregnant?", "required": True},
                {"key": "area", "type": "photo", "label": "A photo of the area"},
            ],
        }
    ]
}


def png_data_url(size: int = 40) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (size, size // 2), "white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass
class Setting:
    desk: Any
    consent: FormTemplate
    intake: FormTemplate
    # The desk's next free 2-hour slot (its provider's appointments must not
    # overlap). Per desk, not per session: a session-wide count pushed later
    # tests' visits past the reminders' lead, so they failed after others ran.
    slots: Iterator[int] = field(default_factory=itertools.count)


@dataclass
class Visit:
    appointment: Appointment
    client: Client
    consent: FormTemplate
    intake: FormTemplate
    consent_version: FormVersion
    intake_version: FormVersion
    setting: Setting


def a_template(name: str, kind: str, schema: dict[str, Any], **extra: Any) -> FormTemplate:
    template = form_template_create(name=name, kind=kind, draft=schema, **extra)
    form_template_publish(template_id=template.pk, user_id=None)
    return template


def a_setting() -> Setting:
    """A desk whose service requires a neurotoxin consent and a medical intake."""
    # Where it is about noon: quiet hours hold no link message back whenever the tests run.
    desk = a_desk(clients=0, providers=1, timezone=noon_zone())
    consent = a_template("Toxin consent", "consent", CONSENT_SCHEMA)
    intake = a_template("Brief intake", "intake", INTAKE_SCHEMA)
    service_forms_set(service_id=desk.service.pk, template_ids=[consent.pk, intake.pk])
    return Setting(desk=desk, consent=consent, intake=intake)


def a_visit(
    *,
    setting: Setting | None = None,
    starts_in: dt.timedelta = dt.timedelta(days=2),
    dob: dt.date | None = DOB,
    **client_fields: Any,
) -> Visit:
    """An appointment (run on a spa's schema) for a new client with a date of
    birth, whose service requires a neurotoxin consent and a medical intake."""
    setting = setting or a_setting()
    desk = setting.desk
    client = ClientFactory.create(date_of_birth=dob, **client_fields)
    # Each visit its own hours: the provider's appointments must not overlap.
    starts_at = (timezone.now() + starts_in).replace(microsecond=0) + dt.timedelta(
        hours=2 * next(setting.slots)
    )
    appointment = AppointmentFactory.create(
        client=client, provider=desk.providers[0], location=desk.location, starts_at=starts_at
    )
    AppointmentService.objects.create(
        appointment=appointment,
        service=desk.service,
        position=0,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        price_cents=15000,
        currency="USD",
    )
    return Visit(
        appointment=appointment,
        client=client,
        consent=setting.consent,
        intake=setting.intake,
        consent_version=setting.consent.versions.get(),
        intake_version=setting.intake.versions.get(),
        setting=setting,
    )
