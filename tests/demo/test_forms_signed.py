"""The demo's signed forms (demo/forms_signed.py): every other of today's
patients has signed the starters their service requires (real hashes); the
rest still have forms outstanding."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from demo.forms import seed_forms
from demo.forms_signed import seed_signed_forms
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.hashing import document_hash, shown_hash
from tenant_apps.forms.models import FormResponse
from tenant_apps.scheduling.models import AppointmentService
from tenant_apps.treatment.gate import appointments_readiness
from tests.tenant_apps.catalog.factories import ServiceCategoryFactory, ServiceFactory
from tests.tenant_apps.scheduling.factories import AppointmentFactory, on_spa


def test_every_other_of_todays_patients_has_signed_and_the_rest_are_outstanding(glow):
    with on_spa(glow):
        # given four of today's Botox appointments, the service requiring the starters
        botox = ServiceFactory.create(
            name="Botox, three areas", category=ServiceCategoryFactory(name="Neurotoxins")
        )
        seed_forms()
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

        # when the demo signs (twice: idempotent)
        made = seed_signed_forms(spa_name=glow.name)
        assert seed_signed_forms(spa_name=glow.name) == 0

        # then the first and third are ready, the others blocked
        assert made == 2 * 4
        readiness = appointments_readiness(appointment_ids=[a.pk for a in appointments])
        assert [readiness[a.pk].ready for a in appointments] == [True, False, True, False]
        # and a consent's hashes are those of what was shown and signed
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
