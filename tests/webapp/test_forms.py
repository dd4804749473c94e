"""Forms, consent and the treatment gate in a real browser (headless Chromium
against a live server, tests/browser.py): a patient fills an intake and a
consent on a phone from the link emailed after a booking, drawing the signature
with the mouse; the desk's calendar turns from "Forms missing" to "Ready"; a
check-in the gate blocks, overridden by a manager; the builder publishes a
version; a link used on another spa's host shows the invalid-link page. axe
on every new screen; `Chromium.run` fails on any console error (every CSP
violation included)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import Page, ViewportSize, expect

from core.graphql.relay import to_global_id
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.files.models import StoredFile
from tenant_apps.forms.links import form_request_issue
from tenant_apps.forms.models import FormResponse, FormTemplate, FormVersion
from tenant_apps.forms.services.templates import (
    form_template_create,
    form_template_publish,
    service_forms_set,
)
from tenant_apps.photos.models import Photo
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.scheduling.services.booking import appointment_book
from tenant_apps.treatment.models import GateOverride
from tests.jobs import run_jobs
from tests.tenant_apps.files import samples
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.photos.helpers import photo_consent
from tests.webapp.spa import (
    NEW_YORK,
    SpaOfItsOwn,
    a_spa,
    axe_violations,
    screenshot,
    showing_the_page,
    sign_in,
)

PHONE: ViewportSize = {"width": 390, "height": 844}
DATE_OF_BIRTH = dt.date(1990, 4, 2)
INTAKE = {
    "sections": [
        {
            "key": "health",
            "title": "Your health",
            "show_if": None,
            "fields": [
                {
                    "key": "has_allergies",
                    "type": "yes_no",
                    "label": "Do you have allergies?",
                    "required": True,
                },
                {
                    "key": "allergy_list",
                    "type": "text",
                    "label": "Which allergies?",
                    "required": True,
                    "show_if": {"field": "has_allergies", "equals": True},
                    "maps_to": "allergies",
                },
                {
                    "key": "pregnant",
                    "type": "yes_no",
                    "label": "Are you pregnant or breastfeeding?",
                    "required": True,
                },
                {"key": "area_photo", "type": "photo", "label": "A photo of the area (optional)"},
            ],
        }
    ]
}
CONSENT = {
    "sections": [
        {
            "key": "consent",
            "title": "Neurotoxin treatment",
            "show_if": None,
            "fields": [
                {
                    "key": "risks",
                    "type": "markdown",
                    "content": "Risks include **bruising** and headache.",
                },
                {
                    "key": "read_risks",
                    "type": "initials",
                    "label": "Initial: I read the risks",
                    "required": True,
                },
                {
                    "key": "signature",
                    "type": "signature",
                    "label": "Your signature",
                    "required": True,
                    "meaning": "I consent to the neurotoxin treatment described above.",
                },
            ],
        }
    ]
}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def tomorrow_at(hour: int) -> dt.datetime:
    day = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=NEW_YORK)


def requiring_forms(spa: SpaOfItsOwn) -> tuple[FormTemplate, FormTemplate]:
    """The spa's service requires a short intake and a signed consent."""
    with on_spa(spa.spa):
        intake = form_template_create(name="Quick intake", kind="intake", draft=INTAKE)
        consent = form_template_create(
            name="Toxin consent", kind="consent", renewal="per_visit", draft=CONSENT
        )
        for template in (intake, consent):
            form_template_publish(template_id=template.pk, user_id=None)
        service_forms_set(service_id=spa.service.pk, template_ids=[intake.pk, consent.pk])
        Client.objects.filter(pk=spa.clients[0].pk).update(date_of_birth=DATE_OF_BIRTH)
    return intake, consent


def booked(spa: SpaOfItsOwn, client: Client, hour: int) -> Appointment:
    with on_spa(spa.spa):
        return appointment_book(
            actor=Actor.system("test"),
            client_id=client.pk,
            provider_id=spa.providers[0].pk,
            location_id=spa.location.pk,
            service_ids=[spa.service.pk],
            starts_at=tomorrow_at(hour),
        )


def calendar_url(server, spa: SpaOfItsOwn) -> str:
    day = tomorrow_at(0).date().isoformat()
    with on_spa(spa.spa):
        location = to_global_id("Location", spa.location.pk)
    return server.url(spa.spa.slug, f"/app/calendar?location={location}&date={day}")


def open_calendar(page: Page, server, spa: SpaOfItsOwn, role: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, server.url(spa.spa.slug, "/app/"), spa.email(role))
    expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
    page.goto(calendar_url(server, spa))


def draw_signature(page: Page) -> None:
    pad = page.get_by_role("img", name=re.compile("^Drawn signature"))
    box = pad.bounding_box()
    assert box is not None
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 16):
        page.mouse.move(x + i * 15, y + (12 if i % 2 else -12))
    page.mouse.up()
    expect(page.get_by_role("img", name="Drawn signature (optional): signed")).to_be_visible()


def test_a_patient_fills_intake_and_consent_on_a_phone_and_the_desk_sees_ready(
    committing, live_server_on_spa_hosts, chromium
):
    # given a service requiring an intake and a consent, and Robin booked for it tomorrow
    spa = a_spa(providers=1)
    requiring_forms(spa)
    robin = spa.clients[0]
    mail.outbox.clear()
    appointment = booked(spa, robin, 10)
    # the booking sends Robin a link by email (a job, run here as a worker would)
    with on_spa(spa.spa):
        run_jobs(until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=16))
    sent = [m for m in mail.outbox if robin.email in m.to and "/forms/fill#" in m.body]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    token = re.search(r"/forms/fill#([A-Za-z0-9_-]+)", sent[0].body).group(1)  # type: ignore[union-attr]
    assert "1990" not in sent[0].body and "allerg" not in sent[0].body.lower()
    link = live_server_on_spa_hosts.url(spa.spa.slug, f"/forms/fill#{token}")
    violations: dict[str, list] = {}

    def desk_sees_missing(page: Page) -> None:
        open_calendar(page, live_server_on_spa_hosts, spa, "front_desk")
        event = page.locator(".rbc-event", has_text="Robin Patient")
        expect(event).to_contain_text("Forms missing")
        violations["calendar with forms marks"] = axe_violations(page)
        event.click()
        panel = page.get_by_role("dialog", name="Robin Patient")
        forms = panel.get_by_role("region", name=re.compile("^Forms"))
        expect(forms).to_contain_text("Quick intake: missing")
        expect(forms).to_contain_text("Toxin consent: missing")
        expect(forms.get_by_role("button", name="Send link by email")).to_be_visible()
        expect(forms.get_by_role("button", name="Fill on tablet")).to_be_visible()
        violations["appointment forms"] = axe_violations(page)
        screenshot(page, "forms-appointment-missing")

    chromium.run(showing_the_page(desk_sees_missing), timeout=90)

    def patient_fills(page: Page) -> None:
        page.set_viewport_size(PHONE)
        page.goto(link)
        expect(page.get_by_role("heading", name="Your forms")).to_be_visible()
        # the token has left the address bar (and so the history) once read
        assert "#" not in page.url and page.url.endswith("/forms/fill")
        violations["date of birth"] = axe_violations(page)
        # nothing of Robin before the date of birth: a wrong one is refused
        expect(page.locator("body")).not_to_contain_text("Robin")
        page.get_by_label("Date of birth").fill("1991-04-02")
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("alert")).to_contain_text("does not match")
        page.get_by_label("Date of birth").fill(DATE_OF_BIRTH.isoformat())
        page.get_by_role("button", name="Continue").click()
        # the intake: a question shown only when an earlier answer asks for it
        expect(page.get_by_role("heading", name="Quick intake")).to_be_visible()
        expect(page.get_by_text("Form 1 of 2")).to_be_visible()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("alert")).to_contain_text("2 answers need your attention")
        page.get_by_role("group", name=re.compile("^Do you have allergies")).get_by_label(
            "Yes"
        ).check()
        page.get_by_label(re.compile("^Which allergies")).fill("Penicillin")
        page.get_by_role("group", name=re.compile("^Are you pregnant")).get_by_label("No").check()
        # a photo the form asks for goes up first (EXIF stripped); the answer names it
        page.get_by_label(re.compile("^A photo of the area")).set_input_files(
            {
                "name": "area.jpg",
                "mimeType": "image/jpeg",
                "buffer": samples.jpeg_with_gps(size=(120, 80)),
            }
        )
        expect(page.get_by_text("Photo added: area.jpg.")).to_be_visible()
        violations["intake on a phone"] = axe_violations(page)
        screenshot(page, "forms-patient-intake")
        page.get_by_role("button", name="Send").click()
        # the consent: the disclosure accepted, initials, a drawn and typed signature
        expect(page.get_by_role("heading", name="Toxin consent")).to_be_visible()
        expect(page.get_by_text("Form 2 of 2")).to_be_visible()
        expect(
            page.get_by_text("I consent to the neurotoxin treatment described above.")
        ).to_be_visible()
        page.get_by_label("I agree to use electronic records and signatures").check()
        page.get_by_label(re.compile("^Initial: I read the risks")).fill("RP")
        draw_signature(page)
        page.get_by_label("Type your full name").fill("Robin Patient")
        page.get_by_label("I agree this is my signature").check()
        page.get_by_label("I consent to this treatment").check()
        violations["consent on a phone"] = axe_violations(page)
        screenshot(page, "forms-patient-consent")
        page.get_by_role("button", name="Sign and send").click()
        expect(page.get_by_role("heading", name="Thank you, Robin")).to_be_visible()
        violations["done"] = axe_violations(page)
        # a reload has no token left to read (it left the address bar)
        page.reload()
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
        # and the link is single-use: opened again from the email it shows nothing
        page.goto("about:blank")  # else only the fragment changes: no new page load
        page.goto(link)
        page.get_by_label("Date of birth").fill(DATE_OF_BIRTH.isoformat())
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
        violations["invalid link"] = axe_violations(page)

    chromium.run(showing_the_page(patient_fills), timeout=120)

    with on_spa(spa.spa):
        responses = {
            r.version.template.name: r
            for r in FormResponse.objects.filter(client=robin).select_related("version__template")
        }
        assert set(responses) == {"Quick intake", "Toxin consent"}
        intake_answers = responses["Quick intake"].answers
        photo = intake_answers.pop("area_photo")
        assert intake_answers == {
            "has_allergies": True,
            "allergy_list": "Penicillin",
            "pregnant": False,
        }
        assert StoredFile.objects.get(pk=photo["file_id"]).client_id == robin.pk
        consent = responses["Toxin consent"]
        assert consent.decision == "accepted" and consent.appointment_id == appointment.pk
        assert consent.signature.typed_name == "Robin Patient"
        assert consent.signature.drawn_image_id is not None

    # the signed-document job renders the consent's PDF
    with on_spa(spa.spa):
        run_jobs(until=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))

    def desk_sees_ready(page: Page) -> None:
        open_calendar(page, live_server_on_spa_hosts, spa, "front_desk")
        event = page.locator(".rbc-event", has_text="Robin Patient")
        expect(event).to_contain_text("Ready")
        event.click()
        panel = page.get_by_role("dialog", name="Robin Patient")
        expect(panel.get_by_role("region", name=re.compile("^Forms"))).to_contain_text(
            "Every form its services require is on file."
        )
        # the client's Forms tab lists both, with their version and decision
        panel.get_by_role("link", name="Client record").click()
        expect(page.get_by_role("heading", name="Robin Patient")).to_be_visible()
        row = page.get_by_role("row").filter(has_text="Toxin consent")
        expect(row).to_contain_text("Consented")
        violations["client forms tab"] = axe_violations(page)
        with page.expect_download() as download:
            row.get_by_role("button", name="Signed PDF of Toxin consent v1").click()
        assert download.value.suggested_filename == "Toxin consent v1.pdf"
        assert download.value.path().read_bytes().startswith(b"%PDF")
        row.get_by_role("button", name="View answers to Toxin consent").click()
        answers = page.get_by_role("dialog", name="Toxin consent, version 1")
        expect(answers).to_contain_text("Signed: Robin Patient")
        violations["answers"] = axe_violations(page)
        answers.get_by_role("button", name="Close").click()
        page.get_by_role("tab", name="Photos").click()
        expect(page.get_by_text("Photo consent: none on file.")).to_be_visible()
        violations["client photos tab"] = axe_violations(page)

    chromium.run(showing_the_page(desk_sees_ready), timeout=90)

    assert {k: v for k, v in violations.items() if v} == {}


def test_check_in_blocked_by_the_gate_then_overridden_by_a_manager(
    committing, live_server_on_spa_hosts, chromium
):
    # given Robin booked tomorrow without the forms the service requires
    spa = a_spa(providers=1)
    requiring_forms(spa)
    appointment = booked(spa, spa.clients[0], 11)
    violations: dict[str, list] = {}

    def front_desk_is_refused(page: Page) -> None:
        open_calendar(page, live_server_on_spa_hosts, spa, "front_desk")
        page.locator(".rbc-event", has_text="Robin Patient").click()
        panel = page.get_by_role("dialog", name="Robin Patient")
        # the desk's tablet: the patient's page full screen; leaving asks first
        panel.get_by_role("button", name="Fill on tablet").click()
        tablet = page.get_by_role("dialog", name="Tablet mode: the patient's forms")
        expect(tablet.get_by_role("heading", name="Your forms")).to_be_visible()
        violations["tablet"] = axe_violations(page)
        tablet.get_by_role("button", name="Leave tablet mode…").click()
        tablet.get_by_role("button", name="Stay").click()
        expect(tablet.get_by_label("Date of birth")).to_be_visible()
        tablet.get_by_role("button", name="Leave tablet mode…").click()
        tablet.get_by_role("button", name="Leave tablet mode", exact=True).click()
        expect(tablet).to_be_hidden()
        # or a new link by email, its expiry said
        panel.get_by_role("button", name="Send link by email").click()
        expect(panel.get_by_role("status").filter(has_text="Link sent by email")).to_be_visible()
        panel.get_by_role("button", name="Check in").click()
        gate = page.get_by_role("dialog", name="Forms missing: not checked in")
        expect(gate).to_contain_text("Quick intake: missing")
        expect(gate).to_contain_text("Only an owner or a manager")
        expect(gate.get_by_role("button", name="Check in anyway")).to_have_count(0)
        violations["gate, front desk"] = axe_violations(page)

    chromium.run(showing_the_page(front_desk_is_refused), timeout=90)

    def manager_overrides(page: Page) -> None:
        open_calendar(page, live_server_on_spa_hosts, spa, "manager")
        page.locator(".rbc-event", has_text="Robin Patient").click()
        panel = page.get_by_role("dialog", name="Robin Patient")
        panel.get_by_role("button", name="Check in").click()
        gate = page.get_by_role("dialog", name="Forms missing: not checked in")
        expect(gate).to_contain_text("Toxin consent: missing")
        violations["gate, manager"] = axe_violations(page)
        screenshot(page, "forms-gate-override")
        gate.get_by_label("Reason for checking in without them").fill(
            "Paper consent signed at the desk; scanned later."
        )
        gate.get_by_role("button", name="Check in anyway").click()
        expect(gate).to_be_hidden()
        expect(panel.get_by_text("Checked in", exact=True)).to_be_visible()

    chromium.run(showing_the_page(manager_overrides), timeout=90)

    with on_spa(spa.spa):
        appointment.refresh_from_db()
        assert appointment.status == AppointmentStatus.CHECKED_IN
        override = GateOverride.objects.get()
        assert override.reason == "Paper consent signed at the desk; scanned later."
    assert {k: v for k, v in violations.items() if v} == {}


def test_a_manager_builds_and_publishes_a_form_and_requires_it_on_a_service(
    committing, live_server_on_spa_hosts, chromium
):
    spa = a_spa(providers=1)
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}

    def steps(page: Page) -> None:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, url, spa.email("manager"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        page.get_by_role("link", name="Forms", exact=True).click()
        expect(page.get_by_role("heading", name="Forms", exact=True)).to_be_visible()
        violations["forms list"] = axe_violations(page)
        page.get_by_role("button", name="New form").click()
        page.get_by_label("Name", exact=True).fill("Laser intake")
        page.get_by_label("Kind").select_option(label="Medical intake")
        page.get_by_label("Renewal").select_option(label="Every N months")
        page.get_by_label("Months").fill("12")
        page.get_by_role("button", name="Create form").click()
        expect(page.get_by_role("heading", name="Laser intake", level=1)).to_be_visible()
        # one section, a yes/no question and a text question shown only on "yes"
        page.get_by_role("button", name="Add section").click()
        page.get_by_label("Section title").fill("Skin")
        page.get_by_label("New field in “Skin”").select_option(label="Yes / no")
        page.get_by_role("button", name="Add field to “Skin”").click()
        page.get_by_label("Question 1 label").fill("Recent tan?")
        page.get_by_label("Question 1 is required").check()
        page.get_by_label("New field in “Skin”").select_option(label="Text")
        page.get_by_role("button", name="Add field to “Skin”").click()
        page.get_by_label("Question 2 label").fill("When?")
        page.get_by_label("Show “When?”: when").select_option(label="Recent tan?")
        preview = page.get_by_role("region", name="Preview")
        expect(preview).not_to_contain_text("When?")
        preview.get_by_label("Yes").check()
        expect(preview).to_contain_text("When?")
        violations["builder"] = axe_violations(page)
        screenshot(page, "forms-builder")
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_role("status").filter(has_text="Published version 1.")).to_be_visible()
        expect(page.get_by_role("row").filter(has_text="Version 1")).to_contain_text("Laser intake")
        # the service requires it
        page.get_by_role("link", name="Services").click()
        page.get_by_role("button", name=re.compile("^Edit Hydrafacial")).first.click()
        dialog = page.get_by_role("dialog", name="Edit Hydrafacial")
        dialog.get_by_label(re.compile("^Laser intake")).check()
        dialog.get_by_role("button", name="Save required forms").click()
        expect(dialog.get_by_role("status")).to_contain_text("now requires 1 form")
        violations["service forms"] = axe_violations(page)

    chromium.run(showing_the_page(steps), timeout=120)

    with on_spa(spa.spa):
        template = FormTemplate.objects.get(name="Laser intake")
        version = FormVersion.objects.get(template=template)
        assert version.number == 1
        fields = version.schema["sections"][0]["fields"]
        assert fields[1]["show_if"] == {"field": fields[0]["key"], "equals": True}
        assert list(spa.service.required_forms.values_list("template_id", flat=True)) == [
            template.pk
        ]
    assert {k: v for k, v in violations.items() if v} == {}


def test_a_link_opened_on_another_spas_host_shows_the_invalid_link_page(
    committing, live_server_on_spa_hosts, chromium
):
    # given a link of spa A, for Robin, who has a date of birth
    spa_a, spa_b = a_spa(providers=1), a_spa(providers=1)
    requiring_forms(spa_a)
    appointment = booked(spa_a, spa_a.clients[0], 12)
    with on_spa(spa_a.spa):
        _, token = form_request_issue(
            appointment_id=appointment.pk, channel="email", actor=Actor.system("test")
        )

    def steps(page: Page) -> None:
        page.set_viewport_size(PHONE)
        page.goto(live_server_on_spa_hosts.url(spa_b.spa.slug, f"/forms/fill#{token}"))
        page.get_by_label("Date of birth").fill(DATE_OF_BIRTH.isoformat())
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
        expect(page.locator("body")).not_to_contain_text("Robin")
        expect(page.locator("body")).not_to_contain_text(spa_a.spa.name)
        # and a page without a token says the same at once
        page.goto(live_server_on_spa_hosts.url(spa_a.spa.slug, "/forms/fill"))
        expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()

    chromium.run(showing_the_page(steps), timeout=60)

    with on_spa(spa_a.spa):
        assert not FormResponse.objects.exists()


def test_photos_tab_uploads_and_offers_the_marketing_export_only_with_consent(
    committing, live_server_on_spa_hosts, chromium
):
    # given Robin, who consented to marketing photos, and Sasha, who did not
    spa = a_spa(providers=1)
    robin, sasha = spa.clients
    with on_spa(spa.spa):
        photo_consent(client_id=robin.pk, scope="marketing")
        ids = {c.pk: to_global_id("Client", c.pk) for c in spa.clients}
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}

    def open_photos(page: Page, client: Client) -> None:
        page.goto(live_server_on_spa_hosts.url(spa.spa.slug, f"/app/clients/{ids[client.pk]}"))
        expect(
            page.get_by_role("heading", name=client.first_name, exact=False).first
        ).to_be_visible()
        page.get_by_role("tab", name="Photos").click()

    def steps(page: Page) -> None:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, url, spa.email("manager"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        open_photos(page, robin)
        expect(page.get_by_text("Photo consent: clinical record and marketing.")).to_be_visible()
        # a manager uploads a before photo of the lips (its GPS is stripped on the server)
        page.get_by_label("Photo", exact=True).set_input_files(
            {
                "name": "lips.jpg",
                "mimeType": "image/jpeg",
                "buffer": samples.jpeg_with_gps(size=(120, 80)),
            }
        )
        page.get_by_label("Body area").select_option(label="Lips")
        page.get_by_label("Phase").select_option(label="Before")
        page.get_by_role("button", name="Upload photo").click()
        expect(page.get_by_role("status").filter(has_text="Photo added.")).to_be_visible()
        figure = page.locator(".photo-grid figure").first
        expect(figure).to_contain_text("Lips, Front, Before")
        # the thumbnail, read with the token and shown as a data: URL (the CSP allows it)
        expect(figure.locator("img")).to_have_attribute("src", re.compile("^data:image/"))
        violations["photos tab"] = axe_violations(page)
        screenshot(page, "forms-client-photos")
        figure.get_by_role("checkbox").check()
        with page.expect_download() as download:
            page.get_by_role("button", name="Export selected for marketing").click()
        assert download.value.path().read_bytes().startswith(b"PK")
        # Sasha has no photo consent: no export is offered
        open_photos(page, sasha)
        expect(page.get_by_text("Photo consent: none on file.")).to_be_visible()
        expect(page.get_by_role("button", name="Export selected for marketing")).to_have_count(0)

    chromium.run(showing_the_page(steps), timeout=90)

    with on_spa(spa.spa):
        photo = Photo.objects.get(client=robin)
        assert (photo.body_area, photo.view, photo.phase) == ("lips", "front", "before")
    assert {k: v for k, v in violations.items() if v} == {}
