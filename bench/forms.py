"""Forms (issue 21): validating a schema and answers, recording a
signed response, and the form status of many appointments at once.

    .venv/bin/python bench/forms.py [--responses 200] [--appointments 200]

1. `schema_validate` of the medical intake starter and `answers_validate` of a
   full set of answers to it (pure Python).
2. `form_response_record`: the intake answered and signed (with its audit row,
   the client's lists merged and the PDF job deferred), each in its own
   transaction; time and queries.
3. `appointments_forms_status` for 1, 50 and `--appointments` appointments, each
   needing four forms with a mix of answered, expired and missing ones: time and
   queries (the query count must not grow).

A throw-away embedded PostgreSQL with fsync on (config/settings/bench.py), or
DATABASE_URL's server (a scratch database).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from typing import Any

from _django import setup, summary

INTAKE_ANSWERS = {
    "sex": "female",
    "pregnant": False,
    "emergency_contact": "Sam Doe +1 212 555 0100",
    "conditions": ["diabetes", "cold_sores"],
    "other_conditions": "migraine",
    "recent_surgery": False,
    "takes_medications": True,
    "medications": "metformin, fish oil",
    "has_allergies": True,
    "allergies": "penicillin, latex",
    "previous_treatments": ["neurotoxin"],
    "previous_complication": False,
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=200)
    parser.add_argument("--appointments", type=int, default=200)
    options = parser.parse_args()
    setup()

    from django.db import connection as django_connection
    from django.db import transaction
    from django.test.utils import CaptureQueriesContext

    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.audit.services import Actor
    from tenant_apps.forms.evidence import SignatureEvidence
    from tenant_apps.forms.models import FormTemplate
    from tenant_apps.forms.schema import answers_validate, schema_validate
    from tenant_apps.forms.selectors import appointments_forms_status
    from tenant_apps.forms.services.responses import form_response_record
    from tenant_apps.forms.services.templates import service_forms_set
    from tenant_apps.forms.starters import MEDICAL_INTAKE
    from tenant_apps.scheduling.models import AppointmentService
    from tenants.db import connection
    from tests.tenant_apps.catalog.factories import ServiceFactory
    from tests.tenant_apps.clients.factories import ClientFactory
    from tests.tenant_apps.scheduling.factories import AppointmentFactory

    print("1. validation (pure Python)")
    for name, fn in (
        ("schema_validate(intake)", lambda: schema_validate(MEDICAL_INTAKE.schema)),
        (
            "answers_validate(intake)",
            lambda: answers_validate(
                schema=MEDICAL_INTAKE.schema,
                answers={**INTAKE_ANSWERS, "signature": {"typed_name": "Jane Doe"}},
            ),
        ),
    ):
        seconds = []
        for _ in range(1000):
            started = time.perf_counter()
            fn()
            seconds.append(time.perf_counter() - started)
        us = sorted(s * 1e6 for s in seconds)
        print(
            f"   {name:<26} n={len(us)} median {us[len(us) // 2]:6.0f} us   "
            f"p95 {us[int(len(us) * 0.95)]:6.0f} us   max {us[-1]:6.0f} us"
        )

    spa = spa_provision(
        slug="bench-forms", name="Bench Forms", timezone_name="UTC", owner_email="o@b.example"
    )
    connection.set_tenant(spa)
    templates = {t.starter_key: t for t in FormTemplate.objects.prefetch_related("versions")}
    intake = templates["medical_intake"].versions.get()
    actor = Actor(user_id=1, role="front_desk")
    now = dt.datetime.now(dt.UTC)

    print(f"2. form_response_record, signed intake, {options.responses} responses")
    clients: list[Any] = [ClientFactory() for _ in range(options.responses)]
    seconds, queries = [], []
    for client in clients:
        proof = SignatureEvidence(
            typed_name="Jane Doe",
            drawn_image_file_id=None,
            meaning="I confirm.",
            disclosure_version="2026-01",
            electronic_consent_at=now,
            signed_at=now,
            ip="203.0.113.7",
            user_agent="bench",
        )
        with CaptureQueriesContext(django_connection) as captured:
            started = time.perf_counter()
            with transaction.atomic():
                form_response_record(
                    actor=actor,
                    client_id=client.pk,
                    version_id=intake.pk,
                    answers=INTAKE_ANSWERS,
                    source="patient_link",
                    evidence=proof,
                )
            seconds.append(time.perf_counter() - started)
        queries.append(len(captured))
    print(f"   record {summary(seconds)}   queries {min(queries)}-{max(queries)}")

    print("3. appointments_forms_status")
    service: Any = ServiceFactory()
    keys = ["medical_intake", "neurotoxin_consent", "photo_consent", "cancellation_policy"]
    service_forms_set(service_id=service.pk, template_ids=[templates[k].pk for k in keys])
    appointments = []
    for n in range(options.appointments):
        appointment: Any = AppointmentFactory(
            client=clients[n % len(clients)],
            starts_at=now + dt.timedelta(days=1 + n // 8, hours=n % 8),
        )
        AppointmentService.objects.create(
            appointment=appointment,
            service=service,
            position=0,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            price_cents=service.price_cents,
            currency=service.currency,
        )
        appointments.append(appointment.pk)
    for size in sorted({1, 50, options.appointments}):
        seconds, queries = [], []
        for _ in range(30):
            with CaptureQueriesContext(django_connection) as captured:
                started = time.perf_counter()
                appointments_forms_status(appointment_ids=appointments[:size])
                seconds.append(time.perf_counter() - started)
            queries.append(len(captured))
        print(f"   {size:>4} appointments {summary(seconds)}   queries {max(queries)}")


if __name__ == "__main__":
    main()
