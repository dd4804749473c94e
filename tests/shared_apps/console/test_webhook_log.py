"""The console's Stripe webhook log: the list (filters, search, pages, a fixed
number of queries), one event's page, and replaying a failed event through the
same code as `manage.py billing_replay_events`."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared_apps.billing.models import StripeEvent, StripeEventStatus, Subscription
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.console.views.webhooks import PAGE_SIZE
from tenants.models import SpaStatus
from tests.conftest import HostClient
from tests.shared_apps.billing import conftest as billing_fixtures
from tests.shared_apps.billing.conftest import sign

# The billing tests' fixtures: localstripe, and a spa subscribed there.
deliver = billing_fixtures.deliver
localstripe = billing_fixtures.localstripe
plans = billing_fixtures.plans
stripe_api = billing_fixtures.stripe_api
subscribed = billing_fixtures.subscribed


def said(response) -> list[str]:
    storage: Any = get_messages(response.wsgi_request)
    return [str(message) for message in storage._queued_messages]


def _event(
    *,
    spa=None,
    type: str = "invoice.paid",
    status: str = StripeEventStatus.PROCESSED,
    error: str = "",
    ago: int = 0,
) -> StripeEvent:
    event_id = f"evt_log_{secrets.token_hex(6)}"
    return StripeEvent.objects.create(
        event_id=event_id,
        type=type,
        stripe_created_at=timezone.now() - timedelta(minutes=ago),
        payload={"id": event_id, "type": type, "data": {"object": {"id": "in_123"}}},
        status=status,
        spa=spa,
        error=error,
        attempts=1,
    )


def _listed(console, **params) -> list[str]:
    html = console.get("/console/webhooks/", params).content.decode()
    return [part.split("<")[0] for part in html.split("<code>evt_log_")[1:]]


def _ids(*events: StripeEvent) -> list[str]:
    return [e.event_id.removeprefix("evt_log_") for e in events]


# --- The list ------------------------------------------------------------------------------------


def test_the_log_lists_events_newest_first_with_status_and_error(glow, console):
    StripeEvent.objects.all().delete()
    old = _event(spa=glow)
    failed = _event(
        spa=glow,
        type="customer.subscription.updated",
        status="failed",
        error="BillingProviderError: down",
    )

    response = console.get("/console/webhooks/")

    assert response.status_code == 200
    html = response.content.decode()
    assert _listed(console) == _ids(failed, old)
    assert "BillingProviderError: down" in html
    assert '<span class="badge failed">Failed</span>' in html
    assert f'href="/console/webhooks/{failed.pk}/"' in html
    assert 'href="/console/spas/glow/"' in html


def test_filters_by_status_and_type_and_searches_by_event_or_spa(glow, radiance, console):
    StripeEvent.objects.all().delete()
    paid = _event(spa=glow)
    failed = _event(spa=glow, type="invoice.payment_failed", status="failed", error="x")
    unmatched = _event(type="customer.subscription.updated", status="unmatched")
    elsewhere = _event(spa=radiance, status="failed", error="y")

    assert _listed(console) == _ids(elsewhere, unmatched, failed, paid)
    assert _listed(console, status="failed") == _ids(elsewhere, failed)
    assert _listed(console, type="invoice.payment_failed") == _ids(failed)
    assert _listed(console, q=unmatched.event_id) == _ids(unmatched)
    assert _listed(console, q="Radiance") == _ids(elsewhere)
    assert _listed(console, q="glow", status="failed") == _ids(failed)
    assert _listed(console, q="evt_nobody") == []


def test_pages_go_back_in_time_with_a_fixed_number_of_queries(glow, console):
    StripeEvent.objects.all().delete()
    events = [_event(spa=glow, ago=n) for n in range(PAGE_SIZE + 5)]
    newest_first = _ids(*reversed(events))

    with CaptureQueriesContext(connection) as first:
        page = console.get("/console/webhooks/").content.decode()
    older = page.split('<a href="?before=')[1].split('"')[0]
    with CaptureQueriesContext(connection) as second:
        rest = console.get(f"/console/webhooks/?before={older}").content.decode()

    assert _listed(console) == newest_first[:PAGE_SIZE]
    assert _listed(console, before=older) == newest_first[PAGE_SIZE:]
    assert "Older" not in rest and "Newest" in rest
    assert len(first.captured_queries) == len(second.captured_queries)

    # and a page of 3 costs what a page of 50 does
    StripeEvent.objects.all().delete()
    for n in range(3):
        _event(spa=glow, ago=n)
    with CaptureQueriesContext(connection) as small:
        console.get("/console/webhooks/")
    assert len(small.captured_queries) == len(first.captured_queries)


# --- One event -----------------------------------------------------------------------------------


def test_an_events_page_shows_its_payload_error_attempts_and_spa(glow, console):
    event = _event(spa=glow, status="failed", error="BillingProviderError: Stripe is down")

    html = console.get(f"/console/webhooks/{event.pk}/").content.decode()

    assert json.dumps(event.payload, indent=2, sort_keys=True).replace('"', "&quot;") in html
    assert "BillingProviderError: Stripe is down" in html
    assert "<dt>Attempts</dt><dd>1</dd>" in html
    assert 'href="/console/spas/glow/">Glow Aesthetics</a>' in html
    assert f'action="/console/webhooks/{event.pk}/replay/"' in html


def test_a_processed_event_offers_no_replay(glow, console):
    event = _event(spa=glow)

    html = console.get(f"/console/webhooks/{event.pk}/").content.decode()

    assert "/replay/" not in html
    assert "Only failed or unmatched events are replayed." in html


def test_an_unknown_event_is_404(db, console):
    assert console.get("/console/webhooks/999999999/").status_code == 404
    assert console.post("/console/webhooks/999999999/replay/").status_code == 404


# --- Replay --------------------------------------------------------------------------------------


@pytest.fixture
def failed_event(glow, stripe_api, subscribed, deliver, settings, localstripe):
    """A real subscription event that failed: Stripe could not be reached when it
    arrived (so the subscription could not be re-read). Stripe is back after."""
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert deliver(*sign(event)).status_code == 500
    settings.STRIPE_API_BASE = localstripe.url
    row = StripeEvent.objects.get(event_id=event["id"])
    assert row.status == StripeEventStatus.FAILED
    return row


def test_replaying_a_failed_event_applies_it_and_is_audited(glow, console, failed_event):
    response = console.post(f"/console/webhooks/{failed_event.pk}/replay/")

    assert response.status_code == 302
    assert response["Location"] == f"/console/webhooks/{failed_event.pk}/"
    assert said(response) == [f"Replayed {failed_event.event_id}: processed."]
    failed_event.refresh_from_db()
    assert (failed_event.status, failed_event.attempts, failed_event.error) == ("processed", 2, "")
    assert failed_event.spa_id == glow.pk
    subscription = Subscription.objects.get(spa=glow)
    assert subscription.status == "active"
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE
    (entry,) = ConsoleAuditEntry.objects.filter(
        actor_id=console.user.pk, action=ConsoleAction.WEBHOOK_REPLAY
    )
    assert (entry.spa_id, entry.ip) == (glow.pk, "127.0.0.1")
    assert entry.detail == {
        "event_id": failed_event.event_id,
        "type": "customer.subscription.created",
        "from": "failed",
        "to": "processed",
    }


def test_a_replay_that_fails_again_says_so(glow, console, failed_event, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    response = console.post(f"/console/webhooks/{failed_event.pk}/replay/")

    (message,) = said(response)
    assert message.startswith(f"Replayed {failed_event.event_id}: it failed again (")
    failed_event.refresh_from_db()
    assert (failed_event.status, failed_event.attempts) == ("failed", 2)
    (entry,) = ConsoleAuditEntry.objects.filter(
        actor_id=console.user.pk, action=ConsoleAction.WEBHOOK_REPLAY
    )
    assert (entry.detail["from"], entry.detail["to"]) == ("failed", "failed")


@pytest.mark.parametrize("status", ["processed", "ignored"])
def test_an_event_already_applied_is_not_replayed(glow, console, status):
    event = _event(spa=glow, status=status)

    response = console.post(f"/console/webhooks/{event.pk}/replay/")

    assert said(response) == [
        f"Only failed or unmatched events are replayed; this one is {status}."
    ]
    event.refresh_from_db()
    assert (event.status, event.attempts) == (status, 1)
    assert not ConsoleAuditEntry.objects.filter(
        actor_id=console.user.pk, action=ConsoleAction.WEBHOOK_REPLAY
    ).exists()


def test_an_unmatched_event_is_replayed_and_still_unmatched(db, console):
    # an event about a subscription no spa has: it matches nothing again, and says so
    event = _event(type="customer.subscription.updated", status="unmatched")
    event.payload = {
        "id": event.event_id,
        "type": "customer.subscription.updated",
        "created": 1_700_000_000,
        "data": {"object": {"id": "sub_nobody", "customer": "cus_nobody", "metadata": {}}},
    }
    event.save(update_fields=["payload"])

    response = console.post(f"/console/webhooks/{event.pk}/replay/")

    assert said(response) == [f"Replayed {event.event_id}: it still matches no spa."]
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("unmatched", 2)


def test_replay_is_post_only_and_for_staff_only(glow, console, staff_member):
    from tests.shared_apps.console.conftest import sign_in

    event = _event(spa=glow, status="failed", error="x")
    anonymous = HostClient(settings.ROOT_DOMAIN)
    password_only = sign_in(HostClient(settings.ROOT_DOMAIN), staff_member(), verify=False)

    assert console.get(f"/console/webhooks/{event.pk}/replay/").status_code == 405
    for client in (anonymous, password_only):
        assert client.post(f"/console/webhooks/{event.pk}/replay/").status_code == 403
        assert client.get("/console/webhooks/").status_code == 302
    event.refresh_from_db()
    assert (event.status, event.attempts) == ("failed", 1)
