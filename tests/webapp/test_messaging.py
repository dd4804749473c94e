"""The web app's messaging screens in a real browser (headless Chromium against
a live server, tests/browser.py): a manager edits and previews a message
template, resets it, and sets the reminder schedule and the waitlist hold; the
front desk puts a client on the waitlist and takes them off, reads the message
log, and records a consent change. axe on every screen; `Chromium.run` fails on
any console error (every CSP violation included)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from tenant_apps.messaging.models import (
    Consent,
    MessageTemplate,
    MessagingSettings,
    ReminderRule,
    WaitlistEntry,
)
from tests.tenant_apps.locations.factories import on_spa
from tests.webapp.spa import a_spa, axe_violations, screenshot, showing_the_page, sign_in


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def field_error(page: Page, label: str):
    """The error shown right below the field labelled `label`."""
    return page.locator(".field", has=page.get_by_label(label, exact=True)).locator(".field-error")


def test_a_manager_edits_a_template_with_its_preview_and_sets_reminders(
    committing, live_server_on_spa_hosts, chromium
):
    spa = a_spa(providers=1)
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    violations: dict[str, list] = {}

    def steps(page: Page) -> dict[str, str]:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, url, spa.email("manager"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        page.get_by_role("link", name="Templates").click()
        expect(page.get_by_role("heading", name="Message templates")).to_be_visible()
        violations["templates"] = axe_violations(page)
        page.get_by_role("button", name="Edit Reminder (Text (SMS))").click()
        message = page.get_by_label("Message", exact=True)
        expect(message).to_have_value(
            "{{ spa_name }}: see you {{ date }} {{ time }}. Reply C to confirm. {{ link }}"
        )
        # a variable the API does not know: its typed error next to the field
        message.fill("Hi {{ first_name }}, see you {{ when }}.")
        page.get_by_role("button", name="Preview").click()
        expect(field_error(page, "Message")).to_contain_text("Unknown variables: when")
        expect(message).to_have_attribute("aria-invalid", "true")
        # fixed: the preview shows sample values and the length with the longest ones
        message.fill("Hi {{ first_name }}, see you {{ date }} at {{ time }}. {{ link }}")
        page.get_by_role("button", name="Preview").click()
        preview = page.get_by_role("region", name="Preview, with sample values")
        expect(preview).to_contain_text("Hi Ava, see you Tue Mar 3 at 2:30 PM.")
        expect(field_error(page, "Message")).to_have_count(0)
        violations["template editor"] = axe_violations(page)
        shown = preview.inner_text()
        screenshot(page, "webapp-template-preview")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("status").filter(has_text="Saved the Reminder")).to_be_visible()
        row = page.get_by_role("row").filter(has_text="Reminder").filter(has_text="Text (SMS)")
        expect(row).to_contain_text("Your own")
        saved_rows = page.locator("tbody tr", has_text="Your own").count()
        # and back to the default wording
        page.get_by_role("button", name="Edit Reminder (Text (SMS))").click()
        page.get_by_role("button", name="Reset to default").click()
        expect(page.get_by_role("status").filter(has_text="back to the default")).to_be_visible()
        expect(row).to_contain_text("Default")

        # the reminder schedule and the waitlist hold
        page.get_by_role("link", name="Messaging").click()
        expect(page.get_by_role("heading", name="Messaging settings")).to_be_visible()
        expect(page.get_by_label("Reminder 1: channel")).to_be_visible()
        violations["messaging settings"] = axe_violations(page)
        remove_first = page.get_by_role("button", name="Remove reminder 1", exact=True)
        while remove_first.count():
            remove_first.click()
        expect(page.get_by_text("No reminders are sent.")).to_be_visible()
        page.get_by_role("button", name="Add a reminder").click()
        page.get_by_label("Reminder 1: how long before").fill("2")
        page.get_by_label("Reminder 1: unit").select_option("hours")
        page.get_by_role("button", name="Save schedule").click()
        expect(page.get_by_role("status").filter(has_text="Saved: reminders")).to_contain_text(
            "2 hours before by Text (SMS)"
        )
        hold = page.get_by_label("Hold each offer for (minutes)")
        hold.fill("2")
        page.get_by_role("button", name="Save waitlist settings").click()
        expect(field_error(page, "Hold each offer for (minutes)")).to_be_visible()
        violations["messaging settings (error)"] = axe_violations(page)
        hold.fill("45")
        page.get_by_label("Offer it to everyone who fits at once").check()
        page.get_by_role("button", name="Save waitlist settings").click()
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
        return {"preview": shown, "saved_rows": str(saved_rows)}

    shown = chromium.run(showing_the_page(steps), timeout=120)

    assert "characters with the longest values" in shown["preview"]
    assert shown["saved_rows"] == "1"
    with on_spa(spa.spa):
        assert not MessageTemplate.objects.exists()  # reset: the default again
        rules = list(
            ReminderRule.objects.values_list("channel", "minutes_before", "only_if_unconfirmed")
        )
        settings = MessagingSettings.objects.get()
    assert rules == [("sms", 120, False)]
    assert (settings.waitlist_mode, settings.waitlist_hold_minutes) == ("all_at_once", 45)
    assert {screen: found for screen, found in violations.items() if found} == {}


def test_the_desk_runs_the_waitlist_reads_the_log_and_records_a_consent(
    committing, live_server_on_spa_hosts, chromium
):
    spa = a_spa(providers=1)
    url = live_server_on_spa_hosts.url(spa.spa.slug, "/app/")
    robin = spa.clients[0]
    violations: dict[str, list] = {}

    def steps(page: Page) -> dict[str, str]:
        page.set_viewport_size({"width": 1280, "height": 900})
        sign_in(page, url, spa.email("front_desk"))
        expect(page.get_by_role("heading", name="Calendar")).to_be_visible()
        # the front desk sees the waitlist and the log, not the managers' screens
        nav = page.get_by_role("navigation", name="Main")
        links = nav.get_by_role("link").all_inner_texts()
        page.get_by_role("link", name="Waitlist").click()
        expect(page.get_by_text("Nobody is waiting.")).to_be_visible()
        violations["waitlist (empty)"] = axe_violations(page)
        # puts Robin on the waitlist: first without a service (the error by the field)
        page.get_by_role("button", name="Add to waitlist").click()
        page.get_by_label("Find a client").fill("Rob")
        page.get_by_role("button", name="Robin Patient").click()
        page.get_by_role("button", name="Put on the waitlist").click()
        expect(field_error(page, "Service")).to_have_text("Choose a service.")
        violations["waitlist (add)"] = axe_violations(page)
        page.get_by_label("Service").select_option(label="Hydrafacial")
        page.get_by_label("Location").select_option(label="Midtown")
        # a window that ends before it starts: the API's typed error, by the field
        page.get_by_label("Not before (time)").fill("12:00")
        page.get_by_label("Not after (time)").fill("09:00")
        page.get_by_role("button", name="Put on the waitlist").click()
        expect(field_error(page, "Not before (time)")).to_be_visible()
        page.get_by_label("Not after (time)").fill("15:00")
        page.get_by_role("button", name="Put on the waitlist").click()
        expect(
            page.get_by_role("status").filter(has_text="Robin Patient is on the waitlist")
        ).to_be_visible()
        row = page.get_by_role("row").filter(has_text="Robin Patient")
        expect(row).to_contain_text("Hydrafacial with anyone, Midtown")
        expect(row).to_contain_text("12:00 to 15:00")
        violations["waitlist"] = axe_violations(page)
        screenshot(page, "webapp-waitlist")
        # and takes Robin off again
        row.get_by_role("button", name="Take Robin Patient off").click()
        expect(page.get_by_role("status").filter(has_text="off the waitlist")).to_be_visible()
        expect(page.get_by_text("Nobody is waiting.")).to_be_visible()

        # the message log (nothing sent in this spa yet)
        page.get_by_role("link", name="Messages").click()
        expect(page.get_by_role("heading", name="Messages")).to_be_visible()
        expect(page.get_by_text("No message yet.")).to_be_visible()
        violations["messages"] = axe_violations(page)

        # Robin's page: consent per channel and purpose; Robin opts out of texts
        page.get_by_role("link", name="Clients").click()
        page.get_by_role("link", name="Robin Patient").click()
        consents = page.get_by_role("region", name="Messaging consent")
        sms = consents.locator('tr[data-consent="SMS-APPOINTMENT"]')
        expect(sms).to_contain_text("Yes")
        violations["client consents"] = axe_violations(page)
        consents.get_by_label("Text the client was shown").fill("")
        consents.get_by_role("button", name="Record decision").click()
        expect(field_error(page, "Text the client was shown")).to_be_visible()
        consents.get_by_label("Text the client was shown").fill(
            "May we text you about your visits?"
        )
        consents.get_by_label("No, refused").check()
        consents.get_by_role("button", name="Record decision").click()
        expect(consents.get_by_role("status")).to_contain_text(
            "Appointment messages by Text (SMS) refused"
        )
        expect(sms).to_contain_text("The client opted out")
        expect(sms).to_contain_text("Refused")
        violations["client consents (recorded)"] = axe_violations(page)
        return {"links": ",".join(links)}

    shown = chromium.run(showing_the_page(steps), timeout=120)

    assert "Waitlist" in shown["links"] and "Messages" in shown["links"]
    assert "Templates" not in shown["links"] and "Messaging" not in shown["links"]
    with on_spa(spa.spa):
        entry = WaitlistEntry.objects.get()
        consent = Consent.objects.get()
    assert (entry.client_id, entry.status) == (robin.pk, "cancelled")
    assert entry.windows[0]["from"] == "12:00" and entry.windows[0]["to"] == "15:00"
    assert (consent.client_id, consent.channel, consent.purpose, consent.granted) == (
        robin.pk,
        "sms",
        "appointment",
        False,
    )
    assert consent.source == "in_person"
    assert {screen: found for screen, found in violations.items() if found} == {}
