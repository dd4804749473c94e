"""Online booking asks the date of birth when a chosen service requires forms,
so the forms link (which asks for it before showing anything,
tenant_apps/forms/links.py) reaches patients who booked online; and what it
does with a known client's date never tells whether a date matched."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.secrets import digest
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.clients.models import Client
from tenant_apps.forms.models import FormRequest, FormTemplate
from tenant_apps.forms.services.templates import form_template_create, service_forms_set
from tenant_apps.scheduling.models import Appointment
from tests.jobs import run_jobs
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.links_setup import CONSENT_SCHEMA, a_template
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.online_booking.online import (
    DAY,
    NEW_YORK,
    Calendar,
    a_calendar,
    at,
    book,
    booking,
)

DOB = dt.date(1988, 4, 12)
FORMS_LINK = re.compile(r"/forms/fill#([A-Za-z0-9_\-]+)")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def requiring_forms(calendar: Calendar) -> FormTemplate:
    """The calendar's service requires a published consent."""
    with on_spa(calendar.spa):
        consent = a_template("Toxin consent", "consent", CONSENT_SCHEMA)
        service_forms_set(service_id=calendar.service.pk, template_ids=[consent.pk])
    return consent


def errors_of(answer) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in answer.data["book"]["errors"]]


def audited(client_id: int) -> list[tuple[str, str]]:
    return list(
        AuditEntry.objects.filter(client_ids__contains=[client_id])
        .order_by("seq")
        .values_list("action", "actor_role")
    )


# --- The menu says which treatments need it ---------------------------------------------


def test_the_menu_says_which_services_require_forms_in_one_query(
    glow, client_for, django_assert_num_queries
):
    # given a service requiring a published consent, one requiring only an
    # archived template, one requiring only a never-published template, and one with none
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    with on_spa(glow):
        archived_only = ServiceFactory(name="Archived forms", is_bookable_online=True)
        archived = a_template("Old consent", "consent", CONSENT_SCHEMA)
        service_forms_set(service_id=archived_only.pk, template_ids=[archived.pk])
        FormTemplate.objects.filter(pk=archived.pk).update(archived_at=dt.datetime.now(dt.UTC))
        draft_only = a_service_with_a_draft_form()
        ServiceFactory(name="Plain", is_bookable_online=True)
    client = client_for(glow)
    menu = "{ services { name requiresForms } }"
    booking(client, menu)  # routing cached
    # when the menu is asked for: still one query
    with django_assert_num_queries(1):
        answer = booking(client, menu)
    # then only the service with a live, published form requires them
    shown = {s["name"]: s["requiresForms"] for s in answer.data["services"]}
    assert shown == {
        "Hydrafacial": True,
        "Archived forms": False,
        draft_only.name: False,
        "Plain": False,
    }


def a_service_with_a_draft_form() -> Any:
    """A service requiring a template never published (run on a spa)."""
    service = ServiceFactory.create(name="Draft forms", is_bookable_online=True)
    draft = form_template_create(name="Draft consent", kind="consent", draft=CONSENT_SCHEMA)
    service_forms_set(service_id=service.pk, template_ids=[draft.pk])
    return service


# --- Required, optional, invalid ----------------------------------------------------------


def test_a_service_requiring_forms_needs_the_date_of_birth(glow, client_for, mailoutbox):
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    # when booked without one
    answer = book(client_for(glow), calendar, at(DAY, 10))
    # then it is refused on that field, and nothing was written or sent
    assert errors_of(answer) == [("dateOfBirth", "DATE_OF_BIRTH_REQUIRED")]
    assert answer.data["book"]["appointment"] is None
    with on_spa(glow):
        assert not Client.objects.exists() and not Appointment.objects.exists()
    assert mailoutbox == []


def test_without_forms_the_date_of_birth_is_optional(glow, client_for):
    calendar = a_calendar(glow)
    client = client_for(glow)
    without = book(client, calendar, at(DAY, 10))
    given = book(
        client,
        calendar,
        at(DAY, 12),
        email="kim@mail.example",
        phone="+12125550177",
        dateOfBirth=DOB.isoformat(),
    )
    assert errors_of(without) == [] and errors_of(given) == []
    with on_spa(glow):
        assert Client.objects.get(email="robin@mail.example").date_of_birth is None
        assert Client.objects.get(email="kim@mail.example").date_of_birth == DOB


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        (dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=1), "DATE_OF_BIRTH_IN_FUTURE"),
        (dt.date(dt.datetime.now(NEW_YORK).year - 121, 6, 1), "DATE_OF_BIRTH_INVALID"),
        (dt.date(1899, 12, 31), "DATE_OF_BIRTH_INVALID"),
    ],
)
def test_an_impossible_date_of_birth_is_refused_before_anything_happens(
    glow, client_for, typed, code
):
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    answer = book(client_for(glow), calendar, at(DAY, 10), dateOfBirth=typed.isoformat())
    assert errors_of(answer) == [("dateOfBirth", code)]
    # the message never repeats the date
    assert typed.isoformat() not in str(answer.body) and str(typed.year) not in str(answer.body)
    with on_spa(glow):
        assert not Client.objects.exists() and not Appointment.objects.exists()


def test_a_malformed_date_is_a_typed_bad_request_not_a_500(glow, client_for):
    calendar = a_calendar(glow)
    answer = book(client_for(glow), calendar, at(DAY, 10), dateOfBirth="12/04/1988")
    assert answer.status == 400
    assert [e["extensions"]["code"] for e in answer.body["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    with on_spa(glow):
        assert not Client.objects.exists()


# --- New and known clients ------------------------------------------------------------------


def test_a_new_client_gets_the_date_of_birth(glow, client_for):
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    answer = book(client_for(glow), calendar, at(DAY, 10), dateOfBirth=DOB.isoformat())
    assert errors_of(answer) == []
    with on_spa(glow):
        client = Client.objects.get()
        assert client.date_of_birth == DOB
        assert Appointment.objects.get().client_id == client.pk
        assert audited(client.pk) == [(AuditAction.CREATE, "online"), (AuditAction.BOOK, "online")]


def test_a_known_client_without_one_gets_it_filled_and_audited(glow, client_for):
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    with on_spa(glow):
        known = ClientFactory(email="robin@mail.example", phone="+12125550111", date_of_birth=None)
    answer = book(client_for(glow), calendar, at(DAY, 10), dateOfBirth=DOB.isoformat())
    assert errors_of(answer) == []
    with on_spa(glow):
        known.refresh_from_db()
        assert known.date_of_birth == DOB
        assert Client.objects.count() == 1
        assert Appointment.objects.get().client_id == known.pk
        assert audited(known.pk) == [(AuditAction.UPDATE, "online"), (AuditAction.BOOK, "online")]


def test_a_known_clients_date_of_birth_is_never_overwritten(glow, client_for):
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    on_file = dt.date(1975, 1, 2)
    with on_spa(glow):
        known = ClientFactory(phone="+12125550199", email="", date_of_birth=on_file)
    # matched by phone, with another date typed
    answer = book(client_for(glow), calendar, at(DAY, 10), dateOfBirth=DOB.isoformat())
    assert errors_of(answer) == []
    with on_spa(glow):
        known.refresh_from_db()
        assert known.date_of_birth == on_file
        assert Appointment.objects.get().client_id == known.pk
        # only the booking was written to the record
        assert audited(known.pk) == [(AuditAction.BOOK, "online")]


class _Undo(Exception):
    pass


def _answer_and_emails(client, calendar, mailoutbox, **changes: Any) -> tuple[str, list[Any]]:
    """Book 10:00, note the answer and emails (reference and token blanked),
    and undo it all so the next try finds the same calendar and records."""
    mailoutbox.clear()
    try:
        with transaction.atomic():
            answer = book(client, calendar, at(DAY, 10), **changes)
            raise _Undo
    except _Undo:
        pass

    def blank(text: str) -> str:
        text = re.sub(r"[A-Z2-7]{4}-[A-Z2-7]{4}", "REF", text)
        return re.sub(r"#[A-Za-z0-9_-]{43}", "#TOKEN", text)

    return blank(str(answer.body)), [(m.to, m.subject, blank(m.body)) for m in mailoutbox]


def test_booking_is_no_oracle_for_a_clients_date_of_birth(glow, client_for, mailoutbox, settings):
    # given clients on file: one with this date of birth, one with another, one with none
    settings.BOOKING_RATES = {**settings.BOOKING_RATES, "book": "100/m"}
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    with on_spa(glow):
        ClientFactory(email="same@mail.example", date_of_birth=DOB)
        ClientFactory(email="other@mail.example", date_of_birth=dt.date(1970, 7, 7))
        ClientFactory(email="none@mail.example", date_of_birth=None)
    client = client_for(glow)
    tries = ["same@mail.example", "other@mail.example", "none@mail.example", "new@mail.example"]
    # when each is booked with the same date typed
    results = {
        email: _answer_and_emails(
            client, calendar, mailoutbox, email=email, dateOfBirth=DOB.isoformat()
        )
        for email in tries
    }
    # then the answers are the same, and so are the emails (but for the address)
    answers = {answer for answer, _ in results.values()}
    assert len(answers) == 1 and "errors': []" in answers.pop()
    sent = {email: [e[1:] for e in emails] for email, (_, emails) in results.items()}
    assert sent["same@mail.example"] == sent["other@mail.example"] == sent["none@mail.example"]
    assert sent["none@mail.example"] == sent["new@mail.example"]
    # and refusals too: a date in the future is refused alike for all
    future = (dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=2)).isoformat()
    refused = {
        _answer_and_emails(client, calendar, mailoutbox, email=email, dateOfBirth=future)[0]
        for email in tries
    }
    assert len(refused) == 1 and "DATE_OF_BIRTH_IN_FUTURE" in refused.pop()


# --- The forms link reaches the patient ------------------------------------------------------


def test_an_online_booking_of_a_service_requiring_forms_sends_the_forms_link(
    glow, client_for, mailoutbox
):
    # given a service requiring a consent
    calendar = a_calendar(glow)
    requiring_forms(calendar)
    # when a new patient books it online with a date of birth, and the jobs run
    answer = book(client_for(glow), calendar, at(DAY, 10), dateOfBirth=DOB.isoformat())
    assert errors_of(answer) == []
    mailoutbox.clear()
    with on_spa(glow):
        # through the night if need be: quiet hours may hold the email until 8 in New York
        run_jobs(until=timezone.now() + dt.timedelta(hours=16))
        request = FormRequest.objects.get()
        assert request.appointment_id == Appointment.objects.get().pk
    # then the forms link was emailed to the patient, and opens with that date of birth
    forms = [m for m in mailoutbox if FORMS_LINK.search(m.body)]
    assert len(forms) == 1 and forms[0].to == ["robin@mail.example"]
    token = FORMS_LINK.search(forms[0].body).group(1)
    assert digest(token) == request.token_hash
    opened = booking(
        client_for(glow),
        "query Open($token: String!, $dob: Date!) { formRequest(token: $token, "
        "dateOfBirth: $dob) { firstName } }",
        {"token": token, "dob": DOB.isoformat()},
    )
    assert opened.data == {"formRequest": {"firstName": "Robin"}}


# --- Another spa ------------------------------------------------------------------------------


def test_a_booking_on_one_spa_never_touches_another_spas_client(
    glow, radiance, client_for, mailoutbox
):
    # given glow's client without a date of birth, and radiance's calendar with forms
    with on_spa(glow):
        at_glow = ClientFactory(
            email="robin@mail.example", phone="+12125550199", date_of_birth=None
        )
    calendar = a_calendar(radiance)
    requiring_forms(calendar)
    # when the same person books at radiance with a date of birth
    answer = book(client_for(radiance), calendar, at(DAY, 10), dateOfBirth=DOB.isoformat())
    assert errors_of(answer) == []
    # then radiance has its own new client with it, and glow's record is untouched
    with on_spa(radiance):
        assert Client.objects.get().date_of_birth == DOB
    with on_spa(glow):
        at_glow.refresh_from_db()
        assert at_glow.date_of_birth is None
        assert audited(at_glow.pk) == []
        assert not Appointment.objects.exists()
