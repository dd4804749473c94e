"""One spa's console page: every section, empty states, a fixed number of
queries, and no patient data."""

from __future__ import annotations

import datetime as dt
import logging
import secrets

from django.db import connection as default_connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import Invitation, Role
from shared_apps.billing.models import (
    Invoice,
    Plan,
    StripeEvent,
    StripeEventStatus,
    Subscription,
    SubscriptionStatus,
)
from shared_apps.console.models import SpaUsage
from tenant_apps.profile.models import SpaProfile
from tenants.db import connection
from tenants.models import Domain, SpaStatusChange
from tests.shared_apps.console.records import spa_make
from tests.tenant_apps.clients.factories import ClientFactory

URL = "/console/spas/{}/"


def _page(console, slug: str = "glow") -> str:
    response = console.get(URL.format(slug))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _section(html: str, heading_id: str) -> str:
    """One card of the page (panels of other features list members too)."""
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def _webhook_url(pk: int) -> str | None:
    try:
        return reverse("console:webhook", args=[pk])
    except NoReverseMatch:  # the webhook log is not in this build
        return None


def _event(
    spa, n: int, *, status: str = StripeEventStatus.PROCESSED, error: str = ""
) -> StripeEvent:
    return StripeEvent.objects.create(
        event_id=f"evt_detail_{n}_{secrets.token_hex(4)}",
        type="invoice.paid",
        stripe_created_at=timezone.now(),
        payload={"id": "ignored"},
        status=status,
        error=error,
        spa=spa,
    )


def _invoice(spa, n: int, **fields) -> Invoice:
    values = {
        "spa": spa,
        "stripe_invoice_id": f"in_detail_{n}_{secrets.token_hex(4)}",
        "number": f"GLOW-{n:04d}",
        "status": "paid",
        "currency": "usd",
        "amount_due_cents": 19800,
        "amount_paid_cents": 19800,
        "period_start": timezone.now() - dt.timedelta(days=30),
        "period_end": timezone.now(),
        "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_1/test_{n}",
        "stripe_created_at": timezone.now() - dt.timedelta(days=n),
    }
    return Invoice.objects.create(**{**values, **fields})


def _billing(spa) -> Subscription:
    return Subscription.objects.create(
        spa=spa,
        plan=Plan.objects.get(code="starter"),
        status=SubscriptionStatus.PAST_DUE,
        seats=3,
        stripe_customer_id="cus_glowdetail",
        stripe_subscription_id="sub_glowdetail",
        current_period_end=timezone.now() + dt.timedelta(days=20),
        past_due_since=timezone.now() - dt.timedelta(days=2),
    )


def _more(spa, member_of, n: int) -> None:
    """`n` more of everything the page lists."""
    for i in range(n):
        member_of(spa, Role.PROVIDER, name=f"Provider {i}")
        Domain.objects.create(
            domain=f"glow-{i}-{secrets.token_hex(3)}.example", tenant=spa, is_primary=False
        )
        _invoice(spa, 100 + i)
        event = _event(spa, 100 + i)
        SpaStatusChange.objects.create(
            spa=spa, from_status="active", to_status="past_due", cause=f"stripe:{event.event_id}"
        )
        Invitation.objects.create(
            spa=spa,
            email=f"invitee{i}@glow.example",
            role=Role.MANAGER,
            token_hash=secrets.token_hex(32),
            expires_at=timezone.now() + dt.timedelta(days=7),
        )


def test_the_page_shows_every_section_for_glow(glow, console, member_of):
    # given glow with a profile, a custom domain, members, an invitation, a
    # subscription past due, invoices, a status change caused by a Stripe event,
    # usage figures and a failed Stripe event
    with tenant_context(glow):
        SpaProfile.objects.filter(pk=1).update(
            contact_email="hello@glow.example", website="https://glow.example"
        )
    member_of(glow, Role.PROVIDER, name="Dana Provider", email="dana@glow.example")
    Domain.objects.create(domain="book.glow-aesthetics.example", tenant=glow, is_primary=False)
    Invitation.objects.create(
        spa=glow,
        email="invited@glow.example",
        role=Role.MANAGER,
        token_hash=secrets.token_hex(32),
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    subscription = _billing(glow)
    open_invoice = _invoice(
        glow, 1, status="open", amount_paid_cents=0, number="GLOW-0042", hosted_invoice_url=""
    )
    _invoice(glow, 2, number="GLOW-0041")
    failed = _event(glow, 1, status=StripeEventStatus.FAILED, error="BillingProviderError: boom")
    SpaStatusChange.objects.create(
        spa=glow,
        from_status="active",
        to_status="past_due",
        cause=f"stripe:{failed.event_id}",
        reason="payment failed",
    )
    SpaUsage.objects.create(
        spa=glow,
        clients=1234,
        appointments_this_month=87,
        schema_bytes=5 * 1024 * 1024,
        computed_at=timezone.now() - dt.timedelta(minutes=30),
    )

    # when staff open its page
    html = _page(console)

    # then: header and profile
    assert "Glow Aesthetics" in html
    assert 'class="badge active"' in html
    assert "America/New_York" in html
    assert "owner@glow.example" in html
    assert "hello@glow.example" in html and "https://glow.example" in html
    assert "http://glow.medspa.test/graphql/" in html
    # domains
    domains = _section(html, "detail-domains")
    assert domains.index("glow.medspa.test") < domains.index("book.glow-aesthetics.example")
    assert "Primary" in domains and "Not verified" in domains
    # members, owner first, and the pending invitation
    members = _section(html, "detail-members")
    assert members.index("owner@glow.example") < members.index("dana@glow.example")
    assert "Dana Provider" in members and "Provider" in members
    assert "invited@glow.example" in members
    # subscription, MRR (starter: $149 for 2 seats + $49 for the third), Stripe links
    assert "Starter" in html and "Past due" in html
    assert "$198.00" in html
    assert "dashboard.stripe.com/test/customers/cus_glowdetail" in html
    assert "dashboard.stripe.com/test/subscriptions/sub_glowdetail" in html
    assert subscription.past_due_since.strftime("%Y-%m-%d") in html
    # invoices from the mirror, newest first
    invoices = _section(html, "detail-invoices")
    assert invoices.index("GLOW-0042") < invoices.index("GLOW-0041")
    assert f"dashboard.stripe.com/test/invoices/{open_invoice.stripe_invoice_id}" in html
    assert "https://invoice.stripe.com/i/acct_1/test_2" in html
    assert "$0.00" in html
    # status history with its cause, linked to the event when the log exists
    assert f"stripe:{failed.event_id}" in html and "payment failed" in html
    assert "Provisioning" in html  # provisioning -> active, from the session's setup
    # usage
    assert "1234" in html and "87" in html and "5.0\xa0MB" in html
    # recent Stripe events with status and error
    assert "invoice.paid" in html and 'class="badge failed"' in html
    assert "BillingProviderError: boom" in html
    webhook_url = _webhook_url(failed.pk)
    if webhook_url is not None:  # the event, and the status change it caused, link to it
        assert f'href="{webhook_url}"' in _section(html, "detail-events")
        assert f'href="{webhook_url}"' in _section(html, "detail-history")


def test_a_spa_without_subscription_usage_or_history_shows_empty_states(db, console):
    # given a spa row without schema, subscription, usage, invoices or events
    spa_make("bare-spa", name="Bare Spa")

    html = _page(console, "bare-spa")

    assert "Bare Spa" in html
    assert "No subscription" in html
    assert "Not computed yet" in html
    assert "No invoices yet." in html
    assert "No Stripe events for this spa." in html
    assert "No status changes recorded." in html
    assert "No members yet." in html
    assert "profile cannot be read" in html
    # and the connection is back on the public schema after the failed profile read
    assert connection.schema_name == "public"


def test_an_unknown_slug_is_404(db, console):
    assert console.get(URL.format("no-such-spa")).status_code == 404


def test_the_page_needs_the_console(glow, platform_client):
    response = platform_client.get(URL.format("glow"))

    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_no_patient_data_on_the_page(glow, console, caplog):
    # given glow has patients
    with tenant_context(glow):
        ClientFactory(
            first_name="Zebulon",
            last_name="Quartermaine",
            email="zebulon.q@patients.example",
            phone="+12125550199",
        )
    connection.set_schema_to_public()

    with caplog.at_level(logging.DEBUG):
        html = _page(console)

    for phi in ("Zebulon", "Quartermaine", "zebulon.q@patients.example", "+12125550199"):
        assert phi not in html
        assert phi not in caplog.text


def test_the_connection_is_back_on_public_after_the_page(glow, console):
    _page(console)

    assert connection.schema_name == "public"


def test_the_number_of_queries_does_not_grow_with_the_spa(glow, console, member_of):
    # given glow with one of everything the page lists
    _billing(glow)
    SpaUsage.objects.create(spa=glow, computed_at=timezone.now())
    _more(glow, member_of, 1)
    with CaptureQueriesContext(default_connection) as small:
        _page(console)

    # when it has many more members, domains, invoices, events, changes, invitations
    _more(glow, member_of, 12)
    with CaptureQueriesContext(default_connection) as large:
        html = _page(console)

    # then the page costs the same
    assert "Provider 11" in _section(html, "detail-members")
    assert len(large.captured_queries) == len(small.captured_queries), [
        q["sql"][:120] for q in large.captured_queries
    ]
