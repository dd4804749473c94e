"""The staff web app in a real browser (headless Chromium against a live server,
tests/browser.py): a front-desk day, a provider's own column, a manager's new
service, an owner's invitation accepted; axe on every screen; screenshots in
tests/artifacts/. `Chromium.run` fails a test on any console error, which
includes every Content-Security-Policy violation."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, Request, expect

from tenant_apps.catalog.models import Service
from tenant_apps.clients.models import Client
from tenant_apps.locations.models import Location
from tenant_apps.scheduling.models import Appointment, AppointmentStatus, ResourceBooking
from tests.conftest import host_of
from tests.tenant_apps.locations.factories import LocationFactory, ResourceTypeFactory, on_spa
from tests.tenant_apps.scheduling.factories import AppointmentFactory
from tests.webapp.spa import (
    NEW_YORK,
    a_spa,
    axe_violations,
    screenshot,
    showing_the_page,
    sign_in,
)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def tomorrow_at(hour: int, minute: int = 0) -> dt.datetime:
    day = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def drag_to(page: Page, event_locator, time_label: str) -> None:
    """Drag an appointment with the mouse so that it starts at the hour the time
    gutter labels `time_label` ("10:00 AM"), in the same column."""
    box = event_locator.bounding_box()
    label = page.locator(".rbc-time-gutter .rbc-timeslot-group", has_text=time_label).first
    target = label.bounding_box()
    assert box is not None and target is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + 6
    # half a quarter-hour lower: the calendar snaps to the slot under the grab point
    to_y = target["y"] + 6 + target["height"] / 8
    page.mouse.move(x, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(x, y + (to_y - y) * i / 10)
    page.mouse.up()


def test_a_front_desk_day(committing, live_server_on_spa_hosts, chromium):
    # given a spa with two providers, clients, and provider 1 busy tomorrow at 10:00
    spa = a_spa()
    with on_spa(spa.spa):
        busy = AppointmentFactory.create(
            client=spa.clients[1],
            provider=spa.providers[0],
            location=spa.location,
            starts_at=tomorrow_at(10),
            ends_at=tomorrow_at(11),
        )
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}
    operations: list[str] = []

    def graphql_sent(request: Request) -> None:
        if request.url.endswith("/graphql/"):
            operations.append(json.loads(request.post_data or "{}").get("operationName", ""))

    def steps(page: Page) -> None:
        page.set_viewport_size({"width": 1024, "height": 900})
        # the front desk signs in and lands on today's calendar, a column per provider
        sign_in(page, url, spa.email("front_desk"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        expect(page.locator(".rbc-header", has_text="Dana Provider 1").first).to_be_visible()
        expect(page.locator(".rbc-header", has_text="Dana Provider 2").first).to_be_visible()
        violations["calendar"] = axe_violations(page)
        # a reload of the day (its address names the location and day) is two
        # requests, sent together; drawing it again (a dialog opened) asks for nothing more
        page.on("request", graphql_sent)
        page.reload()
        expect(page.locator(".rbc-header", has_text="Dana Provider 1").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        # books Robin for a Hydrafacial with provider 1, tomorrow's first free time
        page.get_by_role("button", name="Book", exact=True).click()
        dialog = page.get_by_role("dialog", name="Book an appointment")
        page.wait_for_load_state("networkidle")
        page.remove_listener("request", graphql_sent)
        dialog.get_by_label("Find a client").fill("Rob")
        dialog.get_by_role("button", name="Robin Patient").click()
        dialog.get_by_label("Hydrafacial").check()
        dialog.get_by_label("Provider").select_option(label="Dana Provider 1")
        dialog.get_by_label("Day").fill(tomorrow_at(0).date().isoformat())
        first = dialog.locator(".slots button").first
        expect(first).to_have_text(re.compile(r"^7:00\sAM · Dana Provider 1$"))
        violations["book"] = axe_violations(page)
        first.click()
        screenshot(page, "webapp-book")
        dialog.get_by_role("button", name="Book appointment").click()
        expect(dialog).to_be_hidden()
        booked = page.locator(".rbc-event", has_text="Robin Patient")
        expect(booked).to_be_visible()
        # moves it an hour later by dragging
        drag_to(page, booked, "8:00 AM")
        expect(page.locator(".rbc-event", has_text="Robin Patient")).to_contain_text(
            re.compile(r"^8:00\sAM")
        )
        # and tries onto 10:00, which is Sasha's: refused in place
        drag_to(page, page.locator(".rbc-event", has_text="Robin Patient"), "10:00 AM")
        expect(page.get_by_role("alert").filter(has_text="Not moved")).to_be_visible()
        expect(page.locator(".rbc-event .event-error")).to_be_visible()
        screenshot(page, "webapp-calendar-day")
        # checks Robin in, then completes the appointment
        page.locator(".rbc-event", has_text="Robin Patient").click()
        panel = page.get_by_role("dialog", name="Robin Patient")
        violations["appointment"] = axe_violations(page)
        panel.get_by_role("button", name="Check in").click()
        expect(panel.get_by_text("Checked in", exact=True)).to_be_visible()
        panel.get_by_role("button", name="Complete").click()
        expect(panel.get_by_text("Completed", exact=True)).to_be_visible()
        panel.get_by_role("button", name="Close").click()
        # finds the client on the clients page, and opens the record
        page.get_by_role("link", name="Clients").click()
        page.get_by_label("Search clients").fill("robin")
        page.get_by_role("link", name="Robin Patient").click()
        expect(page.get_by_role("heading", name="Robin Patient")).to_be_visible()
        violations["client"] = axe_violations(page)
        # and signs out
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        violations["signin"] = axe_violations(page)

    chromium.run(showing_the_page(steps), timeout=120)

    assert sorted(operations[:2]) == ["CalendarDay", "Me"]
    assert operations[2:] == ["BookableServices"]
    # then Robin's appointment is at 08:00 tomorrow (moved once, not twice), and done
    with on_spa(spa.spa):
        robin = Appointment.objects.get(client=spa.clients[0])
        busy.refresh_from_db()
    assert robin.starts_at == tomorrow_at(8)
    assert robin.provider_id == spa.providers[0].pk
    assert robin.status == AppointmentStatus.COMPLETED
    assert busy.starts_at == tomorrow_at(10)
    assert {screen: found for screen, found in violations.items() if found} == {}


def test_a_provider_sees_only_their_own_column(committing, live_server_on_spa_hosts, chromium):
    # given appointments tomorrow for both providers
    spa = a_spa()
    with on_spa(spa.spa):
        for n, provider in enumerate(spa.providers):
            AppointmentFactory.create(
                client=spa.clients[n],
                provider=provider,
                location=spa.location,
                starts_at=tomorrow_at(9),
                ends_at=tomorrow_at(10),
            )
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}

    def steps(page: Page) -> dict[str, object]:
        page.set_viewport_size({"width": 390, "height": 844})  # a phone
        sign_in(page, url, spa.email("provider2"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        page.get_by_role("button", name="Next").click()
        expect(page.locator(".rbc-event")).to_have_count(1)
        screenshot(page, "webapp-provider-phone")
        violations["calendar"] = axe_violations(page)
        page.get_by_role("button", name="Menu").click()
        nav = page.get_by_role("navigation", name="Main")
        links = nav.get_by_role("link").all_inner_texts()
        page.get_by_role("button", name="Menu").click()
        # they check their client in (the API lets a provider progress their own)
        page.locator(".rbc-event", has_text="Sasha Client").click()
        panel = page.get_by_role("dialog", name="Sasha Client")
        panel.get_by_role("button", name="Check in").click()
        expect(panel.get_by_text("Checked in", exact=True)).to_be_visible()
        panel.get_by_role("button", name="Close").click()
        # and may book, with themselves only, for a client the front desk added
        page.get_by_role("button", name="Book", exact=True).click()
        dialog = page.get_by_role("dialog", name="Book an appointment")
        violations["book"] = axe_violations(page)
        return {
            "headers": page.locator(".rbc-row-resource .rbc-header").all_inner_texts(),
            "event": page.locator(".rbc-event").inner_text(),
            "nav": links,
            "providers": dialog.get_by_label("Provider").locator("option").all_inner_texts(),
            "new client": dialog.get_by_role("button", name="New client").count(),
        }

    shown = chromium.run(showing_the_page(steps))

    # then only their column and appointment, no setup, no new clients offered
    assert shown["headers"] == ["Dana Provider 2"]
    assert "Sasha Client" in str(shown["event"])
    assert shown["nav"] == ["Calendar", "Clients", "My account"]
    assert shown["providers"] == ["Dana Provider 2"]
    assert shown["new client"] == 0
    with on_spa(spa.spa):
        theirs = Appointment.objects.get(provider=spa.providers[1])
    assert theirs.status == AppointmentStatus.CHECKED_IN
    assert {screen: found for screen, found in violations.items() if found} == {}


def test_a_manager_adds_a_service_and_it_is_bookable(
    committing, live_server_on_spa_hosts, chromium
):
    spa = a_spa(providers=1)
    with on_spa(spa.spa):
        LocationFactory.create(name="Brooklyn", timezone="America/Los_Angeles", country="US")
        ResourceTypeFactory.create(name="Laser room")
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}

    def steps(page: Page) -> list[str]:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, url, spa.email("manager"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        # the location switcher: another location, its own zone, no provider there yet
        page.get_by_label("Location").select_option(label="Brooklyn")
        expect(page.get_by_text("No provider works at this location yet.")).to_be_visible()
        expect(page.get_by_text("Times in America/Los_Angeles")).to_be_visible()
        page.get_by_label("Location").select_option(label="Midtown")
        expect(page.locator(".rbc-header", has_text="Dana Provider 1").first).to_be_visible()
        page.get_by_role("link", name="Services").click()
        expect(page.get_by_role("heading", name="Services", exact=True)).to_be_visible()
        violations["services"] = axe_violations(page)
        # a typed error next to its field: a service without a name
        page.get_by_role("button", name="Add service").click()
        expect(
            page.locator(".field", has=page.get_by_label("Service name")).locator(".field-error")
        ).to_be_visible()
        page.get_by_label("Service name").fill("Lip filler")
        page.get_by_label("Minutes").fill("30")
        page.get_by_label("Price", exact=True).fill("450")
        page.get_by_role("button", name="Add service").click()
        expect(page.get_by_role("cell", name="Lip filler", exact=True)).to_be_visible()
        screenshot(page, "webapp-services")
        # a category added, renamed, and later archived
        page.get_by_label("Category name").fill("Peels")
        page.get_by_role("button", name="Add category").click()
        page.get_by_role("button", name="Rename Peels").click()
        page.get_by_label("New name for Peels").fill("Chemical peels")
        page.get_by_role("button", name="Save name").click()
        expect(page.get_by_role("button", name="Rename Chemical peels")).to_be_visible()
        # the Hydrafacial edited in full: a refused duration shown next to its field first
        page.get_by_role("button", name="Edit Hydrafacial").click()
        dialog = page.get_by_role("dialog", name="Edit Hydrafacial")
        dialog.get_by_label("Minutes with the client").fill("0")
        dialog.get_by_role("button", name="Save service").click()
        expect(
            dialog.locator(".field", has=page.get_by_label("Minutes with the client")).locator(
                ".field-error"
            )
        ).to_be_visible()
        violations["edit service"] = axe_violations(page)
        screenshot(page, "webapp-service-edit")
        dialog.get_by_label("Name", exact=True).fill("Hydrafacial Deluxe")
        dialog.get_by_label("Category").select_option(label="Chemical peels")
        dialog.get_by_label("Minutes with the client").fill("75")
        dialog.get_by_label("Buffer before (minutes)").fill("10")
        dialog.get_by_label("Buffer after (minutes)").fill("5")
        dialog.get_by_label("Price").fill("210.50")
        dialog.get_by_label("Registered nurse").check()
        dialog.get_by_label("Laser room").check()
        dialog.get_by_role("button", name="Save service").click()
        expect(
            page.get_by_role("status").filter(has_text="Hydrafacial Deluxe saved.")
        ).to_be_visible()
        page.get_by_role("button", name="Archive Chemical peels").click()
        expect(page.get_by_role("button", name="Restore Chemical peels")).to_be_visible()
        # locations: one opened in its own zone, one renamed with an address, then closed
        page.get_by_role("link", name="Locations").click()
        new = page.get_by_role("form", name="New location")
        new.get_by_label("Location name").fill("Harbor")
        new.get_by_label("City").fill("Chicago")
        new.get_by_label("Timezone").select_option("America/Chicago")
        new.get_by_role("button", name="Add location").click()
        expect(page.get_by_role("heading", name="Harbor")).to_be_visible()
        page.get_by_role("button", name="Edit details of Brooklyn").click()
        details = page.get_by_role("form", name="Details of Brooklyn")
        details.get_by_label("Location name").fill("midtown")
        details.get_by_label("Street and number").fill("1 Montague St")
        details.get_by_label("Timezone").select_option("America/New_York")
        details.get_by_role("button", name="Save location").click()
        # the name is taken (ignoring case): said next to it, nothing saved
        expect(
            details.locator(".field", has=page.get_by_label("Location name")).locator(
                ".field-error"
            )
        ).to_be_visible()
        violations["location details"] = axe_violations(page)
        screenshot(page, "webapp-location-details")
        details.get_by_label("Location name").fill("Brooklyn Heights")
        details.get_by_role("button", name="Save location").click()
        expect(
            page.get_by_role("status").filter(has_text="Brooklyn Heights saved.")
        ).to_be_visible()
        expect(
            page.get_by_text("1 Montague St, New York, NY, US · America/New_York")
        ).to_be_visible()
        page.get_by_role("button", name="Close location Brooklyn Heights").click()
        expect(page.get_by_role("heading", name="Brooklyn Heights closed")).to_be_visible()
        # the calendar offers the open ones only, Harbor at once
        page.get_by_role("link", name="Calendar", exact=True).click()
        expect(page.get_by_label("Location").locator("option")).to_have_text(["Harbor", "Midtown"])
        page.get_by_role("link", name="Locations").click()
        page.get_by_role("button", name="Reopen location Brooklyn Heights").click()
        expect(
            page.get_by_role("status").filter(has_text="Brooklyn Heights is open again.")
        ).to_be_visible()
        # the other setup screens open, each checked by axe
        for link, heading in [
            ("Locations", "Locations"),
            ("Staff", "Staff"),
            ("Team", "Team"),
            ("Spa profile", "Spa profile"),
            ("My account", "My account"),
        ]:
            page.get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            page.wait_for_load_state("networkidle")
            violations[link] = axe_violations(page)
        page.goto(live_server_on_spa_hosts.url(spa.spa.slug, "/app/no-such-page"))
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
        violations["404"] = axe_violations(page)
        # and the new service is offered with free times when booking
        page.get_by_role("link", name="Calendar", exact=True).click()
        page.get_by_role("button", name="Book", exact=True).click()
        dialog = page.get_by_role("dialog", name="Book an appointment")
        dialog.get_by_label("Lip filler").check()
        dialog.get_by_label("Day").fill(tomorrow_at(0).date().isoformat())
        expect(dialog.locator(".slots button").first).to_be_visible()
        return dialog.locator(".slots button").all_inner_texts()[:2]

    slots = chromium.run(showing_the_page(steps), timeout=120)

    assert [re.sub(r"\s", " ", s) for s in slots] == [
        "7:00 AM · Dana Provider 1",
        "7:15 AM · Dana Provider 1",
    ]
    with on_spa(spa.spa):
        edited = Service.objects.select_related("category").get(pk=spa.service.pk)
        needs = [t.name for t in edited.required_resource_types.all()]
        brooklyn = Location.objects.get(name="Brooklyn Heights")
        harbor = Location.objects.get(name="Harbor")
        assert Location.objects.count() == 3
    assert (
        edited.name,
        edited.category.name,
        edited.category.is_active,
        edited.duration_minutes,
        edited.buffer_before_minutes,
        edited.buffer_after_minutes,
        edited.price_cents,
        edited.required_credentials,
        needs,
    ) == ("Hydrafacial Deluxe", "Chemical peels", False, 75, 10, 5, 21050, ["RN"], ["Laser room"])
    assert (brooklyn.address_line1, brooklyn.timezone, brooklyn.is_active) == (
        "1 Montague St",
        "America/New_York",
        True,
    )
    assert (harbor.city, harbor.timezone, harbor.is_active) == ("Chicago", "America/Chicago", True)
    assert {screen: found for screen, found in violations.items() if found} == {}


def test_an_owner_invites_someone_who_accepts_and_signs_in(
    committing, live_server_on_spa_hosts, chromium, mailoutbox
):
    spa = a_spa(providers=1)
    base = live_server_on_spa_hosts.url(spa.spa.slug, "")
    violations: dict[str, list] = {}

    def invite(page: Page) -> None:
        page.set_viewport_size({"width": 1024, "height": 900})
        sign_in(page, f"{base}/app/", spa.email("owner"))
        page.get_by_role("link", name="Team").click()
        page.get_by_label("Their email").fill("newhire@mail.example")
        page.get_by_label("Their role").select_option(label="Front desk")
        page.get_by_role("button", name="Send invitation").click()
        expect(page.get_by_role("status")).to_have_text("Invitation sent to newhire@mail.example.")
        expect(page.get_by_text("newhire@mail.example · Front desk")).to_be_visible()
        violations["team"] = axe_violations(page)
        # an owner sees who read a client's record
        page.get_by_role("link", name="Clients").click()
        page.get_by_role("link", name="Robin Patient").click()
        audit = page.get_by_role("table").filter(has_text="Role").last
        expect(page.get_by_role("heading", name="Who read this record")).to_be_visible()
        expect(audit.get_by_role("cell", name="owner").first).to_be_visible()
        violations["client (owner)"] = axe_violations(page)
        page.get_by_role("link", name="Billing").click()
        expect(page.get_by_role("heading", name="Billing")).to_be_visible()
        page.wait_for_load_state("networkidle")
        violations["billing"] = axe_violations(page)

    chromium.run(showing_the_page(invite))
    # the emailed address names the spa's https host; the live server is on a port
    link = re.search(r"/accept-invitation\?token=\S+", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body

    def accept(page: Page) -> str:
        # the emailed link (the platform's /accept-invitation) opens the app's page
        page.goto(base + link.group(0))
        expect(page.get_by_role("heading", name="Join the team")).to_be_visible()
        violations["accept"] = axe_violations(page)
        page.get_by_label("Your name").fill("Nova Hire")
        page.get_by_label("Password").fill("a-long-new-password-1")
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        # and signs in again with the password chosen
        page.get_by_label("Email").fill("newhire@mail.example")
        page.get_by_label("Password").fill("a-long-new-password-1")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        return page.locator(".who").inner_text()

    who = chromium.run(showing_the_page(accept))
    assert who == "Nova Hire · Front desk"
    assert {screen: found for screen, found in violations.items() if found} == {}


def test_a_revoked_session_returns_to_sign_in_and_a_reset_link_sets_a_password(
    committing, live_server_on_spa_hosts, chromium, mailoutbox
):
    spa = a_spa(providers=1)
    base = live_server_on_spa_hosts.url(spa.spa.slug, "")
    violations: dict[str, list] = {}

    def expire(page: Page) -> None:
        sign_in(page, f"{base}/app/", spa.email("front_desk"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        # the token stops working (here: signed out everywhere from another device) ...
        token = page.evaluate("() => JSON.parse(localStorage.getItem('medspa.session')).token")
        revoked = page.request.post(
            f"http://127.0.0.1:{live_server_on_spa_hosts.thread.port}/graphql/",
            data={"query": "mutation { logoutEverywhere { revoked } }"},
            headers={"Authorization": f"Bearer {token}", "Host": host_of(spa.spa.slug)},
        )
        assert revoked.json()["data"]["logoutEverywhere"]["revoked"] == 1
        page.get_by_role("link", name="Clients").click()
        # ... so the next request leads back to sign in, saying why
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_role("status")).to_have_text("Your session has ended. Sign in again.")
        page.get_by_role("link", name="Forgot your password?").click()
        violations["forgot"] = axe_violations(page)
        page.get_by_label("Email").fill(spa.email("front_desk"))
        page.get_by_role("button", name="Email me a link").click()
        expect(page.get_by_role("status")).to_contain_text("a link is on its way")

    chromium.run(showing_the_page(expire))
    link = re.search(r"/reset-password\?uid=\S+&token=\S+", mailoutbox[-1].body)
    assert link, mailoutbox[-1].body

    def reset(page: Page) -> None:
        page.goto(base + link.group(0))
        expect(page.get_by_role("heading", name="Choose a password")).to_be_visible()
        violations["reset"] = axe_violations(page)
        page.get_by_label("New password").fill("short")
        page.get_by_role("button", name="Set password").click()
        # the API's typed error, next to the field it names
        expect(
            page.locator(".field", has=page.get_by_label("New password")).locator(".field-error")
        ).to_be_visible()
        page.get_by_label("New password").fill("a-brand-new-password-2")
        page.get_by_role("button", name="Set password").click()
        expect(page.get_by_role("status")).to_have_text("Your password is set. Sign in with it.")
        page.get_by_label("Email").fill(spa.email("front_desk"))
        page.get_by_label("Password").fill("a-brand-new-password-2")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()

    chromium.run(showing_the_page(reset))
    assert {screen: found for screen, found in violations.items() if found} == {}


def test_week_and_room_columns_time_off_cancel_and_a_duplicate_client(
    committing, live_server_on_spa_hosts, chromium
):
    from tests.tenant_apps.locations.factories import ResourceFactory
    from tests.tenant_apps.staff.factories import TimeOffFactory

    # given a room, provider 2 off tomorrow 12:00-14:00, Robin's appointment in the room
    # at 20:00, and a busy day before it: 100 quarter-hours from 07:00 (more than one
    # page of the API's schedules)
    spa = a_spa()
    with on_spa(spa.spa):
        room = ResourceFactory.create(
            name="Laser suite",
            location=spa.location,
            resource_type=ResourceTypeFactory.create(name="Laser room"),
        )
        TimeOffFactory.create(
            staff=spa.providers[1], starts_at=tomorrow_at(12), ends_at=tomorrow_at(14)
        )
        robin = AppointmentFactory.create(
            client=spa.clients[0],
            provider=spa.providers[0],
            location=spa.location,
            starts_at=tomorrow_at(20),
            ends_at=tomorrow_at(21),
        )
        for i in range(100):
            starts_at = tomorrow_at(7) + dt.timedelta(minutes=15 * (i // 2))
            AppointmentFactory.create(
                client=spa.clients[1],
                provider=spa.providers[i % 2],
                location=spa.location,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(minutes=15),
            )
        ResourceBooking.objects.create(
            appointment=robin,
            resource=room,
            blocked_from=robin.starts_at,
            blocked_until=robin.ends_at,
        )
    day = tomorrow_at(0).date().isoformat()
    base = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}

    def steps(page: Page) -> dict[str, object]:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, base, spa.email("front_desk"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        page.goto(f"{base}calendar?date={day}")
        expect(page.locator(".rbc-event", has_text="Robin Patient")).to_be_visible()
        # every appointment of the day, past the first page of 100
        expect(page.locator(".calendar-frame")).to_have_attribute("data-appointments", "101")
        expect(page.locator(".rbc-event")).to_have_count(101)
        shaded = page.locator(".rbc-time-slot.slot-time-off").count()
        # the week: the same appointments, seven days of columns
        page.get_by_role("button", name="Week", exact=True).click()
        expect(page.locator(".rbc-event", has_text="Robin Patient")).to_be_visible()
        expect(page.locator(".calendar-frame")).to_have_attribute("data-appointments", "101")
        week_headers = page.locator(".rbc-time-header .rbc-header").count()
        violations["week"] = axe_violations(page)
        page.get_by_role("button", name="Day", exact=True).click()
        # columns by room or device
        page.get_by_role("button", name="By room or device").click()
        expect(page.locator(".rbc-header", has_text="Laser suite").first).to_be_visible()
        rooms = page.locator(".rbc-row-resource .rbc-header").all_inner_texts()
        page.get_by_role("button", name="By provider").click()
        # notes for the team, then cancel with a reason (an empty one is refused next to its field)
        page.locator(".rbc-event", has_text="Robin Patient").focus()
        page.keyboard.press("Enter")
        panel = page.get_by_role("dialog", name="Robin Patient")
        panel.get_by_label("Notes for the team").fill("Prefers the window seat")
        panel.get_by_role("button", name="Save notes").click()
        expect(panel.get_by_role("status")).to_have_text("Notes saved.")
        violations["appointment notes"] = axe_violations(page)
        panel.get_by_role("button", name="Cancel appointment").click()
        panel.get_by_role("button", name="Cancel the appointment").click()
        expect(panel.locator(".field-error")).to_be_visible()
        panel.get_by_label("Reason for cancelling").fill("Client is unwell")
        panel.get_by_role("button", name="Cancel the appointment").click()
        expect(page.locator(".rbc-event", has_text="Robin Patient")).to_have_count(0)
        # a new client like Sasha: the duplicate is shown before anything is created
        page.get_by_role("link", name="Clients").click()
        page.get_by_role("button", name="New client").click()
        page.get_by_label("First name").fill("Sasha")
        page.get_by_label("Last name").fill("Client")
        page.get_by_label("Client email").fill("sasha@mail.example")
        page.get_by_role("button", name="Add client").click()
        expect(page.get_by_text("This looks like a client you already have")).to_be_visible()
        violations["duplicate"] = axe_violations(page)
        page.get_by_role("button", name="Use Sasha Client").click()
        expect(page.get_by_role("heading", name="Sasha Client")).to_be_visible()
        # her address: a country the API refuses is said next to it, then saved
        page.get_by_role("button", name="Edit", exact=True).click()
        page.get_by_label("Street and number").fill("12 Orchard St")
        page.get_by_label("City").fill("New York")
        page.get_by_label("ZIP or postal code").fill("10002")
        page.get_by_label("Country (two letters)").fill("USA")
        page.get_by_role("button", name="Save client").click()
        expect(
            page.locator(".field", has=page.get_by_label("Country (two letters)")).locator(
                ".field-error"
            )
        ).to_be_visible()
        violations["client address"] = axe_violations(page)
        page.get_by_label("Country (two letters)").fill("US")
        page.get_by_role("button", name="Save client").click()
        expect(page.get_by_text("12 Orchard St, New York, 10002")).to_be_visible()
        return {"shaded": shaded, "week_headers": week_headers, "rooms": rooms}

    shown = chromium.run(showing_the_page(steps), timeout=120)

    # then two hours of provider 2's quarter-hour slots were shaded as time off
    assert shown["shaded"] == 8
    assert shown["week_headers"] >= 7
    assert shown["rooms"] == ["Laser suite"]
    with on_spa(spa.spa):
        robin.refresh_from_db()
        assert Client.objects.filter(first_name="Sasha").count() == 1
        sasha = Client.objects.get(first_name="Sasha")
    assert robin.status == AppointmentStatus.CANCELLED
    assert robin.cancellation_reason == "Client is unwell"
    assert robin.notes == "Prefers the window seat"
    assert (sasha.address_line1, sasha.city, sasha.postal_code, sasha.country) == (
        "12 Orchard St",
        "New York",
        "10002",
        "US",
    )
    assert {screen: found for screen, found in violations.items() if found} == {}
