"""The patients' booking pages (/booking/ and /booking/manage): their headers,
and booking, cancelling and moving in a real browser (headless Chromium against
a live server; see tests/browser.py)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from itertools import count

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.clients.models import Client
from tenant_apps.forms.services.templates import service_forms_set
from tenant_apps.online_booking.emails import manage_link
from tenant_apps.online_booking.pages import embedding_origins
from tenant_apps.online_booking.selectors import booking_reference
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.models import Appointment, AppointmentSource, AppointmentStatus
from tenants.models import Spa, SpaStatus
from tenants.services import spa_set_status
from tests.conftest import HostClient, host_of
from tests.tenant_apps.forms.links_setup import CONSENT_SCHEMA, a_template
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.online_booking.online import DAY, a_calendar, at, book, token_from

_spa_numbers = count(1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def own_spa(committing, mailoutbox) -> Spa:
    """A spa of the test's own (the live server sees only committed data, and the
    session spas must not get client records from a committing test)."""
    n = next(_spa_numbers)
    spa = spa_provision(
        slug=f"pages-{n}",
        name=f"Pages Spa {n}",
        timezone_name="America/New_York",
        owner_email=f"owner@pages-{n}.example",
    )
    mailoutbox.clear()  # the owner's welcome
    return spa


# --- Headers, with the test client -------------------------------------------------------


def test_the_pages_send_a_strict_policy_and_no_cookies(glow, client_for):
    # given glow's host
    client = client_for(glow)
    # when the booking page and the manage page are opened
    book_page = client.get("/booking/")
    manage_page = client.get("/booking/manage")
    # then both are pages of the spa, with only their own script and style
    for response in (book_page, manage_page):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        html = response.content.decode()
        assert "Glow Aesthetics" in html
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy
        assert "script-src 'self';" in policy and "style-src 'self';" in policy
        assert "connect-src 'self';" in policy and "base-uri 'none'" in policy
        assert "require-trusted-types-for 'script'" in policy
        assert "unsafe" not in policy
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Content-Type-Options"] == "nosniff"
        # no inline script or style, nothing from another host
        assert re.findall(r"<script\b[^>]*>", html) == [
            re.search(r'<script src="/booking/assets/booking\.js\?v=\w+" defer>', html)[0]
        ]
        assert "<style" not in html and " style=" not in html
        assert "http://" not in html and "https://" not in html
        # and no cookie
        assert not response.cookies and "Set-Cookie" not in response
    # and the booking page may be framed by the spa (no website set), the manage page by nobody
    assert book_page["Content-Security-Policy"].endswith("frame-ancestors 'self'")
    assert "X-Frame-Options" not in book_page
    assert manage_page["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert manage_page["X-Frame-Options"] == "DENY"
    # and, like the booking API, the pages ignore an Authorization header
    assert client.get("/booking/", HTTP_AUTHORIZATION="Bearer not-a-token").status_code == 200


def test_the_booking_page_may_be_framed_by_the_spa_website(glow, client_for):
    # given a website in glow's profile
    with on_spa(glow):
        SpaProfile.objects.update(website="https://www.glow-spa.example/book-now")
    # when the booking page is opened
    response = client_for(glow).get("/booking/")
    # then the website's pages (its host and subdomains) may frame it
    assert response["Content-Security-Policy"].endswith(
        "frame-ancestors 'self' https://glow-spa.example https://*.glow-spa.example"
    )


@pytest.mark.parametrize(
    ("website", "sources"),
    [
        ("", []),
        ("https://glow.example", ["https://glow.example", "https://*.glow.example"]),
        (
            "http://book.glow.example:8080/x",
            ["http://book.glow.example:8080", "http://*.book.glow.example:8080"],
        ),
        ("https://www.glow.example", ["https://glow.example", "https://*.glow.example"]),
        # nothing that could end the directive or add a source
        ("https://glow.example;script-src *", []),
        ("https://glow.example%20https://evil.example", []),
        ("javascript:alert(1)", []),
        ("https://localhost", []),
        ("https://[::1]/", []),
        ("https://glow.example:99999", []),
    ],
)
def test_embedding_origins_are_only_plain_web_origins(website, sources):
    assert embedding_origins(website) == sources


def test_the_script_and_style_are_served_by_version(glow, client_for):
    client = client_for(glow)
    page = client.get("/booking/").content.decode()
    script = re.search(r'src="(/booking/assets/booking\.js\?v=(\w+))"', page)
    style = re.search(r'href="(/booking/assets/booking\.css\?v=\w+)"', page)
    assert script and style
    # the current version is cached for good; any other address is revalidated
    current = client.get(script[1])
    assert current.status_code == 200
    assert current["Content-Type"] == "text/javascript; charset=utf-8"
    assert current["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(style[1])["Content-Type"] == "text/css; charset=utf-8"
    plain = client.get("/booking/assets/booking.js")
    assert plain["Cache-Control"] == "no-cache"
    unchanged = client.get("/booking/assets/booking.js", HTTP_IF_NONE_MATCH=f'"{script[2]}"')
    assert unchanged.status_code == 304 and not unchanged.content
    assert client.get("/booking/assets/settings.py").status_code == 404
    assert client.get("/booking/assets/..%2Fpages.py").status_code == 404
    assert client.post("/booking/").status_code == 405


def test_the_pages_of_an_unknown_or_closed_spa_are_small_pages(glow, client_for):
    # an unknown host: a page for people, JSON for the API
    page = client_for(host_of("nobody")).get("/booking/manage")
    api = client_for(host_of("nobody")).post("/booking/graphql/", data={})
    assert page.status_code == 404
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert b"There is no spa at this address." in page.content
    assert page["Referrer-Policy"] == "no-referrer"
    assert page["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert (
        api.status_code == 404 and api.json()["errors"][0]["extensions"]["code"] == "SPA_NOT_FOUND"
    )
    # a closed spa (through the service, which tells routing: the unknown host's
    # lookup above filled this process's directory with glow as active)
    spa_set_status(spa=glow, status=SpaStatus.CLOSED, reason="owner retired")
    closed = client_for(glow).get("/booking/")
    assert closed.status_code == 410
    assert closed["Content-Type"] == "text/html; charset=utf-8"
    assert b"This spa has closed." in closed.content


# --- In the browser ------------------------------------------------------------------------


def test_a_patient_books_on_the_booking_page(
    own_spa, live_server_on_spa_hosts, chromium, mailoutbox
):
    # given a spa with one location open 09:00-17:00, a 60-minute treatment that
    # requires a consent form, a provider
    calendar = a_calendar(own_spa)
    calendar.profile(brand_color="#AA3355")
    with on_spa(own_spa):
        consent = a_template("Toxin consent", "consent", CONSENT_SCHEMA)
        service_forms_set(service_id=calendar.service.pk, template_ids=[consent.pk])
    url = live_server_on_spa_hosts.url(own_spa.slug, "/booking/")

    # when a patient picks the treatment, a day three days ahead and its first time, and books
    def steps(page: Page) -> dict[str, str]:
        page.goto(url)
        expect(page.locator("#spa-name")).to_have_text(own_spa.name)
        page.get_by_label("Treatment").select_option(calendar.ids["service"])
        page.get_by_label("Day", exact=True).fill(DAY.isoformat())
        first = page.locator("#times label").first
        expect(first).to_have_text(re.compile(r"^9:00\sAM$"))
        first.click()
        page.get_by_label("First name").fill("Robin")
        page.get_by_label("Last name").fill("Patient")
        page.get_by_label("Email").fill("robin@mail.example")
        page.get_by_label("Phone").fill("(212) 555-0199")
        # the treatment needs forms: the date of birth is asked, with the reason, and required
        birth = page.get_by_label("Date of birth")
        expect(birth).to_be_visible()
        expect(birth).to_have_attribute("aria-required", "true")
        expect(birth).to_have_accessible_description(
            re.compile(r"^We ask because your treatment needs medical forms")
        )
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.locator("#dateOfBirth-error")).to_have_text(
            "Enter your date of birth: your treatment needs medical forms."
        )
        expect(birth).to_be_focused()
        birth.fill("1988-04-12")
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
        return {
            "reference": page.locator('#done-details dd[data-field="reference"]').inner_text(),
            "when": page.locator('#done-details dd[data-field="when"]').inner_text(),
            "email": page.locator("#done-email").inner_text(),
            "masthead": page.locator(".masthead").evaluate(
                "node => getComputedStyle(node).backgroundColor"
            ),
        }

    shown = chromium.run(steps)

    # then the appointment is booked online at 09:00 New York time
    with on_spa(own_spa):
        appointment = Appointment.objects.get()
        reference = booking_reference(appointment.pk)
    assert appointment.starts_at == at(DAY, 9)
    assert appointment.source == AppointmentSource.ONLINE
    assert appointment.status == AppointmentStatus.BOOKED
    # for a client with the date of birth typed (the forms link asks for it)
    with on_spa(own_spa):
        assert Client.objects.get(pk=appointment.client_id).date_of_birth == dt.date(1988, 4, 12)
    # and the page shows its reference and time in the location's zone (the browser is in London)
    assert shown["reference"] == reference
    assert re.fullmatch(r".+, 9:00\sAM to 10:00\sAM E[DS]T", shown["when"]), shown["when"]
    assert "robin@mail.example" in shown["email"]
    # in the spa's colour
    assert shown["masthead"] == "rgb(170, 51, 85)"
    # and the confirmation with its manage link went to the address typed
    assert [m.to for m in mailoutbox] == [["robin@mail.example"]]
    assert reference in mailoutbox[0].body
    token_from(mailoutbox[0])


def test_the_emailed_link_shows_the_booking_and_cancels_it_once(
    own_spa, live_server_on_spa_hosts, chromium, mailoutbox
):
    # given a booking made online, and the link its email carries
    calendar = a_calendar(own_spa)
    answer = book(HostClient(host_of(own_spa.slug)), calendar, at(DAY, 11))
    reference = answer.data["book"]["appointment"]["reference"]
    token = token_from(mailoutbox[-1])
    assert f"/booking/manage#{token}" in manage_link(own_spa, token)
    link = live_server_on_spa_hosts.url(own_spa.slug, f"/booking/manage#{token}")
    mailoutbox.clear()

    # when the patient opens it, and cancels with a reason
    def steps(page: Page) -> dict[str, str]:
        page.goto(link)
        expect(page.locator("#details")).to_contain_text(reference)
        address = page.evaluate("location.href")
        page.get_by_role("button", name="Cancel appointment").click()
        page.get_by_label("Reason").fill("Feeling unwell")
        page.get_by_role("button", name="Cancel my appointment").click()
        expect(page.get_by_role("heading", name="Your appointment is cancelled")).to_be_visible()
        expect(page.get_by_role("button", name="Reschedule")).to_be_hidden()
        status = page.locator('#details dd[data-field="status"]').inner_text()
        # and opens the link again (a new page load, not a jump within this one)
        page.goto("about:blank")
        page.goto(link)
        expect(page.get_by_role("alert")).to_contain_text("This link doesn't work any more")
        return {"address": address, "status": status}

    shown = chromium.run(steps)

    # then the token left the address bar at once
    assert shown["address"] == live_server_on_spa_hosts.url(own_spa.slug, "/booking/manage")
    # the appointment is cancelled, with the reason, and a note emailed
    with on_spa(own_spa):
        appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Cancelled online: Feeling unwell"
    assert shown["status"] == "Cancelled"
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Cancelled"]


def test_the_emailed_link_moves_the_booking_to_a_free_time(
    own_spa, live_server_on_spa_hosts, chromium, mailoutbox
):
    # given a booking at 11:00, and its link
    calendar = a_calendar(own_spa)
    book(HostClient(host_of(own_spa.slug)), calendar, at(DAY, 11))
    token = token_from(mailoutbox[-1])
    mailoutbox.clear()
    link = live_server_on_spa_hosts.url(own_spa.slug, f"/booking/manage#{token}")

    # when the patient picks the first free time that day (with the same provider)
    def steps(page: Page) -> str:
        page.goto(link)
        page.get_by_role("button", name="Reschedule").click()
        expect(page.get_by_label("Day", exact=True)).to_have_value(DAY.isoformat())
        first = page.locator("#times label").first
        expect(first).to_have_text(re.compile(r"^9:00\sAM$"))
        first.click()
        page.get_by_role("button", name="Move my appointment").click()
        expect(page.get_by_role("heading", name="Your appointment has moved")).to_be_visible()
        return page.locator("#result-text").inner_text()

    text = chromium.run(steps)

    # then it is at 09:00, a new link was emailed, and the page says the old one is used up
    with on_spa(own_spa):
        assert Appointment.objects.get().starts_at == at(DAY, 9)
    assert [m.subject.split(":")[0] for m in mailoutbox] == ["Moved"]
    assert token_from(mailoutbox[0]) != token
    assert "new link" in text and "no longer works" in text
