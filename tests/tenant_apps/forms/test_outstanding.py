"""What an appointment still needs (tenant_apps/forms/selectors.py) and a
client's photo consent."""

from __future__ import annotations

import datetime as dt

import pytest

from tenant_apps.forms.selectors import (
    appointments_forms_status,
    photo_consent_response,
    photo_consent_scope,
)
from tenant_apps.forms.services.templates import (
    form_template_archive,
    form_template_draft_save,
    form_template_publish,
    service_forms_set,
)
from tenant_apps.forms.starters import PHOTO_CONSENT
from tenant_apps.scheduling.models import AppointmentService
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.factories import a_response, a_schema, a_version
from tests.tenant_apps.scheduling.factories import AppointmentFactory

START = dt.datetime(2026, 6, 1, 15, 0, tzinfo=dt.UTC)


def _visit(client, services, *, starts_at=START, provider=None):
    extra = {"provider": provider} if provider is not None else {}
    appointment = AppointmentFactory(client=client, starts_at=starts_at, **extra)
    for position, service in enumerate(services):
        AppointmentService.objects.create(
            appointment=appointment,
            service=service,
            position=position,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            price_cents=service.price_cents,
            currency=service.currency,
        )
    return appointment


def _states(appointment_id):
    return {
        s.template.name: (s.state, s.response_id)
        for s in appointments_forms_status(appointment_ids=[appointment_id])[appointment_id]
    }


@pytest.mark.spa("glow")
def test_states_for_once_months_and_per_visit():
    # given a service requiring an intake (once), a yearly consent and a per-visit consent
    client = ClientFactory()
    intake = a_version(name="A intake", kind="intake")
    yearly = a_version(name="B yearly", kind="consent", renewal="months", renewal_months=12)
    visit = a_version(name="C visit", kind="consent", renewal="per_visit")
    service = ServiceFactory()
    service_forms_set(
        service_id=service.pk,
        template_ids=[intake.template_id, yearly.template_id, visit.template_id],
    )
    first = _visit(client, [service])
    later = _visit(client, [service], starts_at=START + dt.timedelta(days=400))

    # when nothing is answered, then everything is missing
    assert _states(first.pk) == {
        "A intake": ("missing", None),
        "B yearly": ("missing", None),
        "C visit": ("missing", None),
    }

    # when each is answered before the first visit (the per-visit one for it)
    done = a_response(client_id=client.pk, version=intake, now=START - dt.timedelta(days=1))
    yes = a_response(
        client_id=client.pk, version=yearly, decision="accepted", now=START - dt.timedelta(days=1)
    )
    here = a_response(
        client_id=client.pk, version=visit, decision="accepted", appointment_id=first.pk
    )

    # then the first visit is complete; 400 days later the yearly one has
    # expired, the per-visit one is missing and the intake still counts
    assert _states(first.pk) == {
        "A intake": ("complete", done.pk),
        "B yearly": ("complete", yes.pk),
        "C visit": ("complete", here.pk),
    }
    assert _states(later.pk) == {
        "A intake": ("complete", done.pk),
        "B yearly": ("expired", yes.pk),
        "C visit": ("missing", None),
    }


@pytest.mark.spa("glow")
def test_a_later_decline_and_any_version_count_and_archived_forms_are_not_required():
    client = ClientFactory()
    consent = a_version(name="Consent", kind="consent")
    dropped = a_version(name="Dropped", kind="consent")
    service = ServiceFactory()
    service_forms_set(
        service_id=service.pk, template_ids=[consent.template_id, dropped.template_id]
    )
    visit = _visit(client, [service])

    a_response(client_id=client.pk, version=consent, decision="accepted")
    schema = a_schema()
    schema["sections"][0]["title"] = "v2"
    form_template_draft_save(template_id=consent.template_id, schema=schema)
    v2 = form_template_publish(template_id=consent.template_id, user_id=None)
    no = a_response(client_id=client.pk, version=v2, decision="declined", answers={})
    form_template_archive(template_id=dropped.template_id)

    assert _states(visit.pk) == {"Consent": ("declined", no.pk)}


@pytest.mark.spa("glow")
def test_the_status_of_many_appointments_costs_four_queries(django_assert_num_queries):
    service = ServiceFactory()
    versions = [a_version(name=f"Q{i}", kind="intake") for i in range(3)]
    service_forms_set(service_id=service.pk, template_ids=[v.template_id for v in versions])
    visits = []
    for i in range(12):
        client = ClientFactory()
        visits.append(_visit(client, [service], starts_at=START + dt.timedelta(hours=i)))
        a_response(client_id=client.pk, version=versions[i % 3])

    with django_assert_num_queries(4):
        statuses = appointments_forms_status(appointment_ids=[v.pk for v in visits])
    with django_assert_num_queries(4):
        appointments_forms_status(appointment_ids=[v.pk for v in visits[:2]])

    assert len(statuses) == 12
    assert sum(s.state == "complete" for listed in statuses.values() for s in listed) == 12


@pytest.mark.spa("glow")
def test_photo_consent_scope_follows_the_latest_answer():
    client = ClientFactory()
    photo = a_version(name="Photos", kind="photo_consent", schema=PHOTO_CONSENT.schema)

    assert photo_consent_scope(client_id=client.pk) == "none"
    clinical = a_response(
        client_id=client.pk,
        version=photo,
        decision="accepted",
        answers={"photo_scope": "clinical"},
        now=START,
    )
    assert photo_consent_response(client_id=client.pk) == clinical
    assert photo_consent_scope(client_id=client.pk) == "clinical"
    a_response(
        client_id=client.pk,
        version=photo,
        decision="accepted",
        answers={"photo_scope": "marketing", "marketing_face": True},
        now=START + dt.timedelta(days=1),
    )
    assert photo_consent_scope(client_id=client.pk) == "marketing"
    a_response(
        client_id=client.pk,
        version=photo,
        decision="declined",
        answers={},
        now=START + dt.timedelta(days=2),
    )
    assert photo_consent_response(client_id=client.pk) is None
    assert photo_consent_scope(client_id=client.pk) == "none"
