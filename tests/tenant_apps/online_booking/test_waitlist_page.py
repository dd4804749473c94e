"""The waitlist offer page (/booking/waitlist#<token>): its headers, the
`waitlistOffer` query it reads, and showing and claiming an offer in a real
browser (headless Chromium against a live server; see tests/browser.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Iterator
from itertools import count

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from playwright.sync_api import Page, expect

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.messaging.models import (
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistSource,
    WaitlistStatus,
)
from tenant_apps.scheduling.models import Appointment, AppointmentSource
from tenants.models import Spa
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.online_booking.online import DAY, Calendar, a_calendar, at, booking

_spa_numbers = count(1)

OFFER = """query($token: String!) { waitlistOffer(token: $token) {
  status startsAt endsAt expiresAt serviceName location { name } provider { displayName } } }"""


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def own_spa(committing, mailoutbox) -> Spa:
    n = next(_spa_numbers)
    spa = spa_provision(
        slug=f"offer-{n}",
        name=f"Offer Spa {n}",
        timezone_name="America/New_York",
        owner_email=f"owner@offer-{n}.example",
    )
    mailoutbox.clear()
    return spa


def an_offer(
    calendar: Calendar,
    secret: str,
    *,
    hour: int = 10,
    status: str = OfferStatus.OPEN,
    hold: dt.timedelta = dt.timedelta(hours=2),
) -> WaitlistOffer:
    """A waiting client offered `hour` on DAY with the calendar's provider,
    held for `hold` from now (negative: already past its hold)."""
    with on_spa(calendar.spa):
        client = ClientFactory.create(first_name="Robin", last_name="Waiting")
        entry = WaitlistEntry.objects.create(
            client=client,
            service=calendar.service,
            location=calendar.location,
            earliest=DAY,
            latest=DAY,
            windows=[],
            source=WaitlistSource.ONLINE,
            status=WaitlistStatus.WAITING,
        )
        now = timezone.now()
        offered_at = min(now, now + hold) - dt.timedelta(minutes=5)
        return WaitlistOffer.objects.create(
            entry=entry,
            provider=calendar.providers[0],
            starts_at=at(DAY, hour),
            status=status,
            offered_at=offered_at,
            expires_at=now + hold,
            token_hash=hashlib.sha256(secret.encode()).hexdigest(),
        )


# --- Headers and the query, with the test client ---------------------------------------


def test_the_offer_page_sends_a_strict_policy_and_may_not_be_framed(glow, client_for):
    response = client_for(glow).get("/booking/waitlist")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-page="waitlist"' in html and "Glow Aesthetics" in html
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "require-trusted-types-for 'script'" in policy
    assert policy.endswith("frame-ancestors 'none'") and "unsafe" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert re.findall(r"<script\b[^>]*>", html) == [
        re.search(r'<script src="/booking/assets/booking\.js\?v=\w+" defer>', html)[0]
    ]
    assert "<style" not in html and " style=" not in html
    assert not response.cookies


def test_the_offer_query_shows_the_time_and_where_the_offer_stands(glow, client_for):
    calendar = a_calendar(glow)
    open_offer = an_offer(calendar, "open-secret", hour=10)
    an_offer(calendar, "late-secret", hour=11, hold=-dt.timedelta(minutes=1))
    an_offer(calendar, "taken-secret", hour=12, status=OfferStatus.TAKEN)
    api = client_for(glow)

    shown = booking(api, OFFER, {"token": "open-secret"})
    late = booking(api, OFFER, {"token": "late-secret"})
    taken = booking(api, OFFER, {"token": "taken-secret"})
    unknown = booking(api, OFFER, {"token": "not-a-secret"})

    offer = shown.data["waitlistOffer"]
    assert offer["status"] == "OPEN"
    assert offer["serviceName"] == "Hydrafacial"
    assert offer["provider"] == {"displayName": "Dana Provider 1"}
    assert dt.datetime.fromisoformat(offer["startsAt"]) == at(DAY, 10)
    assert dt.datetime.fromisoformat(offer["endsAt"]) == at(DAY, 11)
    assert late.data, late.body
    assert late.data["waitlistOffer"]["status"] == "EXPIRED"
    assert taken.data["waitlistOffer"]["status"] == "TAKEN"
    assert unknown.errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert "Robin" not in str(unknown.body) and "Robin" not in str(shown.body)
    # reading is logged as a view of the client's record, and claims nothing
    with on_spa(glow):
        open_offer.refresh_from_db()
        assert open_offer.status == OfferStatus.OPEN
        assert AuditEntry.objects.filter(
            action=AuditAction.VIEW, client_ids__contains=[open_offer.entry.client_id]
        ).exists()


def test_an_offer_of_one_spa_is_not_found_on_another(glow, radiance, client_for):
    calendar = a_calendar(glow)
    an_offer(calendar, "glow-secret")
    claim = """mutation($t: String!) { claimWaitlistOffer(token: $t) { errors { code } } }"""

    seen = booking(client_for(radiance), OFFER, {"token": "glow-secret"})
    claimed = booking(client_for(radiance), claim, {"t": "glow-secret"})

    assert seen.errors[0]["extensions"]["code"] == "NOT_FOUND"
    assert [e["code"] for e in claimed.data["claimWaitlistOffer"]["errors"]] == ["NOT_FOUND"]
    with on_spa(glow):
        assert WaitlistOffer.objects.get().status == OfferStatus.OPEN


# --- In the browser ---------------------------------------------------------------------


def test_the_offer_link_shows_the_time_and_claims_it_once(
    own_spa, live_server_on_spa_hosts, chromium
):
    calendar = a_calendar(own_spa)
    an_offer(calendar, "claim-me-secret", hour=10)
    link = live_server_on_spa_hosts.url(own_spa.slug, "/booking/waitlist#claim-me-secret")

    def steps(page: Page) -> dict[str, str]:
        page.goto(link)
        expect(page.locator('#details dd[data-field="treatment"]')).to_have_text("Hydrafacial")
        address = page.evaluate("location.href")
        when = page.locator('#details dd[data-field="when"]').inner_text()
        note = page.locator("#offer-note").inner_text()
        page.get_by_role("button", name="Book this time").click()
        expect(page.get_by_role("heading", name="You're booked")).to_be_visible()
        expect(page.get_by_role("button", name="Book this time")).to_be_hidden()
        result = page.locator("#result-text").inner_text()
        page.goto("about:blank")
        page.goto(link)
        expect(page.locator("#offer-note")).to_contain_text("already")
        again_button = page.get_by_role("button", name="Book this time").is_visible()
        return {
            "address": address,
            "when": when,
            "note": note,
            "result": result,
            "again_button": str(again_button),
        }

    shown = chromium.run(steps)

    assert shown["address"] == live_server_on_spa_hosts.url(own_spa.slug, "/booking/waitlist")
    assert re.fullmatch(r".+, 10:00\sAM to 11:00\sAM E[DS]T", shown["when"]), shown["when"]
    assert "holding this time for you" in shown["note"]
    assert shown["again_button"] == "False"
    with on_spa(own_spa):
        appointment = Appointment.objects.get()
        offer = WaitlistOffer.objects.get()
    assert (appointment.starts_at, appointment.source) == (at(DAY, 10), AppointmentSource.ONLINE)
    assert offer.status == OfferStatus.CLAIMED
    assert "10:00" in shown["result"]


def test_the_offer_page_says_when_the_time_was_taken_or_the_offer_expired(
    own_spa, live_server_on_spa_hosts, chromium
):
    calendar = a_calendar(own_spa)
    an_offer(calendar, "race-secret", hour=10)
    an_offer(calendar, "late-secret", hour=11, hold=-dt.timedelta(minutes=1))
    race = live_server_on_spa_hosts.url(own_spa.slug, "/booking/waitlist#race-secret")
    late = live_server_on_spa_hosts.url(own_spa.slug, "/booking/waitlist#late-secret")
    unknown = live_server_on_spa_hosts.url(own_spa.slug, "/booking/waitlist#nothing-here")

    def someone_else_claims() -> None:
        with on_spa(own_spa):
            WaitlistOffer.objects.filter(starts_at=at(DAY, 10)).update(status=OfferStatus.TAKEN)
        connection.close()

    def steps(page: Page) -> dict[str, str]:
        page.goto(race)
        expect(page.get_by_role("button", name="Book this time")).to_be_visible()
        # someone else claims the same time while the page is open (from a
        # thread of its own: the browser's steps run in an event loop)
        worker = threading.Thread(target=someone_else_claims)
        worker.start()
        worker.join()
        page.get_by_role("button", name="Book this time").click()
        expect(page.get_by_role("alert")).to_contain_text("Someone else booked this time first")
        expect(page.get_by_role("button", name="Book this time")).to_be_hidden()
        page.goto("about:blank")
        page.goto(late)
        expect(page.locator("#offer-note")).to_contain_text("expired")
        late_button = page.get_by_role("button", name="Book this time").is_visible()
        page.goto("about:blank")
        page.goto(unknown)
        expect(page.get_by_role("alert")).to_contain_text("This link doesn't work")
        return {"late_button": str(late_button)}

    shown = chromium.run(steps)

    assert shown["late_button"] == "False"
    with on_spa(own_spa):
        assert not Appointment.objects.exists()


def test_reading_an_offer_costs_a_fixed_number_of_queries(
    glow, client_for, django_assert_num_queries
):
    calendar = a_calendar(glow)
    an_offer(calendar, "counted-secret")
    api = client_for(glow)
    booking(api, OFFER, {"token": "counted-secret"})  # routing cached
    # the profile, the offer with its entry, service, location and provider
    # (one join), and the audit entry (one insert)
    with django_assert_num_queries(3):
        answer = booking(api, OFFER, {"token": "counted-secret"})
    assert answer.data["waitlistOffer"]["status"] == "OPEN"
