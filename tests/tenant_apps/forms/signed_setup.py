"""A patient's signed consent recorded through the forms services, with a
drawn signature stored as a file, for the signed-document tests and the bench."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from django.utils import timezone

from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.files.models import FilePurpose
from tenant_apps.files.services import file_store_bytes
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.models import FormResponse, FormVersion
from tenant_apps.forms.services.responses import form_response_record
from tenant_apps.forms.services.templates import form_template_create, form_template_publish
from tenants.db import connection
from tests.tenant_apps.forms.documents import ANSWERS, SCHEMA, signature_png

DOB = dt.date(1986, 9, 21)
SYSTEM = Actor.system("test")


_numbers = count(1)


def a_consent_version(name: str = "") -> FormVersion:
    # A name of its own: the spa's starter templates hold the plain ones.
    name = name or f"Neurotoxin consent (signed test {next(_numbers)})"
    template = form_template_create(name=name, kind="consent", draft=SCHEMA)
    return form_template_publish(template_id=template.pk, user_id=None)


def a_signed_response(
    *, client: Client, version: FormVersion, answers: dict[str, Any] | None = None
) -> FormResponse:
    drawn = file_store_bytes(
        data=signature_png(),
        content_type="image/png",
        purpose=FilePurpose.SIGNATURE,
        client_id=client.pk,
        actor=SYSTEM,
    )
    now = timezone.now()
    return form_response_record(
        actor=SYSTEM,
        client_id=client.pk,
        version_id=version.pk,
        answers=answers or {**ANSWERS, "signature": {"typed_name": "Zoë Nguyễn"}},
        source="patient_link",
        decision="accepted",
        evidence=SignatureEvidence(
            typed_name="Zoë Nguyễn",
            drawn_image_file_id=drawn.pk,
            meaning="I consent to neurotoxin treatment as described above.",
            disclosure_version=DISCLOSURE_VERSION,
            electronic_consent_at=now - dt.timedelta(minutes=3),
            signed_at=now,
            ip="203.0.113.7",
            user_agent="Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X)",
        ),
        disclosure_text=disclosure_text(spa_name=connection.tenant.name),
    )
