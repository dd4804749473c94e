"""The demo's forms (demo/forms.py): templates required by the injectables,
and today's patients half signed (real hashes), half with forms outstanding."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from demo.forms import seed_forms
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.hashing import document_hash, shown_hash
from tenant_apps.forms.models import FormResponse, FormTemplate
from tenant_apps.scheduling.models import AppointmentService
from tenant_apps.treatment.gate import appointments_readiness
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.scheduling.factories import AppointmentFactory, on_spa


def test_the_demo_signs_half_of_todays_injectables_and_leaves_the_rest_outstanding(glow):
    with on_spa(glow):
        # given four of today's Botox appointments
        botox = ServiceFactory.create(name="Botox, three areas")
        midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
        appointments = []
        for n in range(4):
            appointment = AppointmentFactory.create(
                starts_at=midnight + dt.timedelta(hours=1 + 2 * n)
            )
            AppointmentService.objects.create(
                appointment=appointment,
                service=botox,
                position=0,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                price_cents=54000,
                currency="USD",
            )
            appointments.append(appointment)

        # when the demo seeds forms (twice: idempotent)
        made = seed_forms(spa_name=glow.name)
        assert seed_forms(spa_name=glow.name) == 0

        # then the first and third have intake, consent and photo consent signed
        assert FormTemplate.objects.count() == 4
        assert made == 6
        readiness = appointments_readiness(appointment_ids=[a.pk for a in appointments])
        assert [readiness[a.pk].ready for a in appointments] == [True, False, True, False]
        response = FormResponse.objects.filter(version__kind="consent").first()
        evidence = response.signature
        shown = shown_hash(
            version_hash=response.version.content_hash,
            disclosure_version=DISCLOSURE_VERSION,
            disclosure_text=disclosure_text(spa_name=glow.name),
        )
        assert response.shown_hash == shown
        assert response.document_hash == document_hash(
            shown_hash=shown,
            answers=response.answers,
            decision="accepted",
            photo_scope="",
            typed_name=evidence.typed_name,
            signed_at=evidence.signed_at,
            client_id=response.client_id,
        )
