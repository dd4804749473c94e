"""Actions on one spa from the console: suspend / reactivate, change plan,
custom domains, the owner's welcome link. Each changes what it says and writes
its audit entry; each refusal is a clear message with nothing changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.console.staff import staff_revoke
from tenants.models import Domain, SpaStatus, SpaStatusChange
from tests.conftest import HostClient
from tests.shared_apps.billing import conftest as billing_fixtures
from tests.shared_apps.billing.conftest import sign

UPDATE_PROFILE = """
mutation { updateSpaProfile(input: {website: "https://glow.example"}) {
  profile { website } errors { code } } }
"""

# The billing tests' fixtures: localstripe, and a spa subscribed there.
deliver = billing_fixtures.deliver
localstripe = billing_fixtures.localstripe
plans = billing_fixtures.plans
stripe_api = billing_fixtures.stripe_api
subscribed = billing_fixtures.subscribed


def said(response) -> list[str]:
    """The messages this request added for the next page (not earlier requests'
    still unread ones: no page was shown in between)."""
    storage: Any = get_messages(response.wsgi_request)
    return [str(message) for message in storage._queued_messages]


def audit_of(console, action: str) -> list[ConsoleAuditEntry]:
    return list(ConsoleAuditEntry.objects.filter(actor_id=console.user.pk, action=action))


def _back_to(response, slug: str) -> None:
    assert response.status_code == 302, response.content
    assert response["Location"] == f"/console/spas/{slug}/"


# --- Suspend and reactivate --------------------------------------------------------------------


def test_suspend_makes_the_api_read_only_and_is_audited(glow, console, signed_in):
    owner = signed_in(glow, "owner")
    assert owner.graphql(UPDATE_PROFILE).status == 200

    response = console.post("/console/spas/glow/suspend/", {"reason": "Chargeback on 1042"})

    _back_to(response, "glow")
    assert said(response) == ["Glow Aesthetics is suspended: its API is read-only."]
    glow.refresh_from_db()
    assert (glow.status, glow.status_reason) == (SpaStatus.SUSPENDED, "Chargeback on 1042")
    change = SpaStatusChange.objects.filter(spa=glow).latest("created_at")
    assert (change.from_status, change.to_status, change.cause) == (
        "active",
        "suspended",
        "console",
    )
    (entry,) = audit_of(console, ConsoleAction.SUSPEND)
    assert (entry.actor_email, entry.spa_id, entry.spa_slug, entry.reason, entry.ip) == (
        console.user.email,
        glow.pk,
        "glow",
        "Chargeback on 1042",
        "127.0.0.1",
    )
    assert entry.detail == {"from": "active", "to": "suspended"}
    refused = owner.graphql(UPDATE_PROFILE)
    assert (refused.status, refused.error_codes) == (403, ["SPA_SUSPENDED"])


def test_reactivate_brings_back_the_status_before_and_the_api_works_again(glow, console, signed_in):
    owner = signed_in(glow, "owner")
    console.post("/console/spas/glow/suspend/", {"reason": "Chargeback"})

    response = console.post("/console/spas/glow/reactivate/", {"reason": "Chargeback resolved"})

    _back_to(response, "glow")
    assert said(response) == ["Glow Aesthetics is active again."]
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE
    (entry,) = audit_of(console, ConsoleAction.REACTIVATE)
    assert (entry.spa_id, entry.reason, entry.detail) == (
        glow.pk,
        "Chargeback resolved",
        {"from": "suspended", "to": "active"},
    )
    answer = owner.graphql(UPDATE_PROFILE)
    assert answer.data["updateSpaProfile"]["profile"] == {"website": "https://glow.example"}


def test_a_trialing_spa_is_reactivated_as_trialing(glow, console):
    glow.status = SpaStatus.TRIALING
    glow.save(update_fields=["status"])
    console.post("/console/spas/glow/suspend/", {"reason": "Abuse report"})

    console.post("/console/spas/glow/reactivate/", {"reason": "Cleared"})

    glow.refresh_from_db()
    assert glow.status == SpaStatus.TRIALING


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_status_change_needs_a_reason(glow, console, reason):
    response = console.post("/console/spas/glow/suspend/", {"reason": reason})

    _back_to(response, "glow")
    assert said(response) == ["Give a reason: it goes in the spa's history and the audit log."]
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE
    assert not SpaStatusChange.objects.filter(spa=glow, cause="console").exists()
    assert audit_of(console, ConsoleAction.SUSPEND) == []


def test_only_the_moves_allowed_from_the_status_are_made(glow, console):
    # an active spa is not "reactivated"; a suspended one is not suspended again
    response = console.post("/console/spas/glow/reactivate/", {"reason": "why not"})
    assert said(response) == ["The spa is active: it cannot be reactivated."]
    console.post("/console/spas/glow/suspend/", {"reason": "Chargeback"})

    again = console.post("/console/spas/glow/suspend/", {"reason": "twice"})

    assert said(again) == ["The spa is suspended: it cannot be suspended."]
    assert [e.reason for e in audit_of(console, ConsoleAction.SUSPEND)] == ["Chargeback"]
    assert audit_of(console, ConsoleAction.REACTIVATE) == []


def test_a_closed_spa_has_no_moves(glow, console):
    glow.status = SpaStatus.CLOSED
    glow.save(update_fields=["status"])

    response = console.post("/console/spas/glow/suspend/", {"reason": "late"})

    assert said(response) == ["The spa is closed: it cannot be suspended."]
    glow.refresh_from_db()
    assert glow.status == SpaStatus.CLOSED


# --- Change plan -------------------------------------------------------------------------------


def _trial(spa, plan: str = "starter") -> Subscription:
    return Subscription.objects.create(
        spa=spa,
        plan=Plan.objects.get(code=plan),
        status=SubscriptionStatus.TRIALING,
        trial_end=timezone.now() + timedelta(days=5),
    )


def test_change_plan_during_the_platforms_trial_switches_the_trials_plan(glow, console):
    subscription = _trial(glow)

    response = console.post("/console/spas/glow/plan/", {"plan": "pro"})

    _back_to(response, "glow")
    assert said(response) == ["Glow Aesthetics is on the Pro plan now (for its trial)."]
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.status, subscription.stripe_customer_id) == (
        "pro",
        "trialing",
        None,
    )
    (entry,) = audit_of(console, ConsoleAction.CHANGE_PLAN)
    assert (entry.spa_id, entry.detail) == (
        glow.pk,
        {"from": "starter", "to": "pro", "stripe": False},
    )


def test_change_plan_moves_the_stripe_subscription(glow, console, stripe_api, subscribed, deliver):
    subscription = subscribed(plan="starter")
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))

    response = console.post("/console/spas/glow/plan/", {"plan": "growth"})

    assert said(response) == ["Glow Aesthetics is on the Growth plan now (in Stripe)."]
    remote = stripe_api.retrieve("subscriptions", subscription.remote_id)
    assert remote["items"]["data"][0]["plan"]["id"] == "medspa_growth_usd_29900_5x3900"
    subscription.refresh_from_db()
    assert subscription.plan.code == "growth"
    (entry,) = audit_of(console, ConsoleAction.CHANGE_PLAN)
    assert entry.detail == {"from": "starter", "to": "growth", "stripe": True}


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("platinum", "There is no such plan on offer."),
        ("", "Choose a plan."),
        ("starter", "The spa is on the Starter plan already."),
    ],
)
def test_change_plan_refusals_change_nothing(glow, console, plan, message):
    subscription = _trial(glow)

    response = console.post("/console/spas/glow/plan/", {"plan": plan})

    assert said(response) == [message]
    subscription.refresh_from_db()
    assert subscription.plan.code == "starter"
    assert audit_of(console, ConsoleAction.CHANGE_PLAN) == []


def test_a_retired_plan_cannot_be_chosen(glow, console):
    subscription = _trial(glow)
    Plan.objects.filter(code="pro").update(active=False)

    response = console.post("/console/spas/glow/plan/", {"plan": "pro"})

    assert said(response) == ["There is no such plan on offer."]
    subscription.refresh_from_db()
    assert subscription.plan.code == "starter"


def test_a_spa_without_a_subscription_has_no_plan_to_change(glow, console):
    response = console.post("/console/spas/glow/plan/", {"plan": "pro"})

    assert said(response) == ["The spa has no subscription."]
    assert not Subscription.objects.filter(spa=glow).exists()


def test_stripe_being_unreachable_is_a_message_and_changes_nothing(glow, console):
    # a live Stripe subscription, and Stripe at an address nobody answers (test settings)
    Plan.objects.filter(code="growth").update(stripe_price_id="price_growth")
    subscription = Subscription.objects.create(
        spa=glow,
        plan=Plan.objects.get(code="starter"),
        status=SubscriptionStatus.ACTIVE,
        stripe_customer_id="cus_unreachable",
        stripe_subscription_id="sub_unreachable",
        stripe_item_id="si_unreachable",
        stripe_price_id="price_starter",
    )

    response = console.post("/console/spas/glow/plan/", {"plan": "growth"})

    assert said(response) == ["Billing is unavailable at the moment. Try again in a few minutes."]
    subscription.refresh_from_db()
    assert (subscription.plan.code, subscription.stripe_price_id) == ("starter", "price_starter")
    assert audit_of(console, ConsoleAction.CHANGE_PLAN) == []


# --- Custom domains ----------------------------------------------------------------------------


def test_add_verify_and_remove_a_custom_domain(glow, console, client_for):
    # when staff add a domain
    added = console.post("/console/spas/glow/domains/", {"domain": "Book.GlowSpa.com."})

    _back_to(added, "glow")
    assert said(added) == [
        "book.glowspa.com added. It routes to the spa once verified: the spa creates a "
        "CNAME record for it pointing to glow.medspa.test."
    ]
    domain = Domain.objects.get(domain="book.glowspa.com")
    assert (domain.tenant_id, domain.verified_at, domain.is_primary) == (glow.pk, None, False)
    # then it does not route yet
    assert client_for("book.glowspa.com").graphql("{ spa { slug } }").status == 404

    # when they verify it, having checked the DNS record
    verified = console.post(
        f"/console/spas/glow/domains/{domain.pk}/verify/", {"dns_checked": "on"}
    )

    assert said(verified) == ["book.glowspa.com is verified: it routes to Glow Aesthetics now."]
    domain.refresh_from_db()
    assert domain.verified_at is not None
    answer = client_for("book.glowspa.com").graphql("{ spa { slug } }")
    assert answer.data == {"spa": {"slug": "glow"}}

    # when they remove it
    removed = console.post(f"/console/spas/glow/domains/{domain.pk}/remove/")

    assert said(removed) == ["book.glowspa.com removed: it no longer routes to Glow Aesthetics."]
    assert not Domain.objects.filter(domain="book.glowspa.com").exists()
    assert client_for("book.glowspa.com").graphql("{ spa { slug } }").status == 404

    # and each step is in the audit log
    entries = ConsoleAuditEntry.objects.filter(actor_id=console.user.pk, spa_id=glow.pk)
    assert [(e.action, e.detail) for e in entries.order_by("pk")] == [
        (ConsoleAction.DOMAIN_ADD, {"domain": "book.glowspa.com"}),
        (
            ConsoleAction.DOMAIN_VERIFY,
            {"domain": "book.glowspa.com", "cname": "glow.medspa.test"},
        ),
        (ConsoleAction.DOMAIN_REMOVE, {"domain": "book.glowspa.com"}),
    ]
    assert {e.ip for e in entries} == {"127.0.0.1"}


@pytest.mark.parametrize(
    ("domain", "message"),
    [
        ("not a domain", "That is not a valid domain name."),
        ("localhost", "That is not a valid domain name."),
        ("radiance.medspa.test", "Addresses under the platform's domain are given by spa slugs."),
        ("", "Enter a domain, such as book.glowspa.com."),
    ],
)
def test_a_bad_domain_is_refused_with_the_services_message(glow, console, domain, message):
    before = set(Domain.objects.values_list("domain", flat=True))

    response = console.post("/console/spas/glow/domains/", {"domain": domain})

    assert said(response) == [message]
    assert set(Domain.objects.values_list("domain", flat=True)) == before
    assert audit_of(console, ConsoleAction.DOMAIN_ADD) == []


def test_a_domain_of_another_spa_is_taken(glow, radiance, console):
    Domain.objects.create(tenant=radiance, domain="radiance.example", is_primary=False)

    response = console.post("/console/spas/glow/domains/", {"domain": "radiance.example"})

    assert said(response) == ["That domain belongs to a spa already."]
    assert Domain.objects.get(domain="radiance.example").tenant_id == radiance.pk


def test_verifying_needs_the_dns_checkbox(glow, console):
    domain = Domain.objects.create(tenant=glow, domain="book.glowspa.com", is_primary=False)

    response = console.post(f"/console/spas/glow/domains/{domain.pk}/verify/", {})

    assert said(response) == ["Confirm that you have checked the DNS record first."]
    domain.refresh_from_db()
    assert domain.verified_at is None
    assert audit_of(console, ConsoleAction.DOMAIN_VERIFY) == []


def test_the_platform_subdomain_cannot_be_removed(glow, console):
    subdomain = Domain.objects.get(domain="glow.medspa.test")

    response = console.post(f"/console/spas/glow/domains/{subdomain.pk}/remove/")

    assert said(response) == ["A spa's own subdomain cannot be removed."]
    assert Domain.objects.filter(pk=subdomain.pk, is_primary=True).exists()
    assert audit_of(console, ConsoleAction.DOMAIN_REMOVE) == []


def test_a_domain_is_changed_only_through_its_own_spa(glow, radiance, console):
    theirs = Domain.objects.create(tenant=radiance, domain="radiance.example", is_primary=False)

    verify = console.post(f"/console/spas/glow/domains/{theirs.pk}/verify/", {"dns_checked": "on"})
    remove = console.post(f"/console/spas/glow/domains/{theirs.pk}/remove/")

    assert said(verify) == said(remove) == ["The spa has no such domain."]
    theirs.refresh_from_db()
    assert theirs.verified_at is None


# --- The owner's welcome link ------------------------------------------------------------------


def test_resend_sends_the_owner_a_fresh_welcome_link(glow, console, mailoutbox):
    # the session spas' owners were made by provisioning: no password chosen yet
    response = console.post("/console/spas/glow/owner-welcome/")

    _back_to(response, "glow")
    assert said(response) == ["A fresh welcome link is on its way to owner@glow.example."]
    (mail,) = mailoutbox
    assert mail.to == ["owner@glow.example"]
    assert mail.subject == "Welcome to Glow Aesthetics: set your password"
    assert "https://glow.medspa.test/reset-password?uid=" in mail.body
    owner = User.objects.get(email="owner@glow.example")
    (entry,) = audit_of(console, ConsoleAction.RESEND_INVITATION)
    assert (entry.spa_id, entry.detail, entry.ip) == (glow.pk, {"user_id": owner.pk}, "127.0.0.1")


def test_an_owner_who_chose_a_password_is_not_sent_a_link(glow, console, mailoutbox):
    owner = User.objects.get(email="owner@glow.example")
    owner.set_password("a-long-unusual-passphrase")
    owner.save()

    response = console.post("/console/spas/glow/owner-welcome/")

    assert said(response) == [
        "The owner has already chosen a password; they can reset it themselves "
        "(Forgot password, on the spa's sign-in page)."
    ]
    assert mailoutbox == []
    assert audit_of(console, ConsoleAction.RESEND_INVITATION) == []


def test_an_owner_without_an_account_gets_one_and_the_link(glow, console, mailoutbox):
    glow.owner_email = "new-owner@glow.example"
    glow.save(update_fields=["owner_email"])

    console.post("/console/spas/glow/owner-welcome/")

    user = User.objects.get(email="new-owner@glow.example")
    assert user.memberships.get(spa=glow).role == "owner"
    assert not user.has_usable_password()
    assert [m.to for m in mailoutbox] == [["new-owner@glow.example"]]


# --- The panel, and who may act ----------------------------------------------------------------


def test_the_panel_offers_what_the_spa_allows(glow, console):
    _trial(glow)
    Domain.objects.create(tenant=glow, domain="book.glowspa.com", is_primary=False)

    html = console.get("/console/spas/glow/").content.decode()

    panel = html[html.index('id="spa-actions"') :]
    assert 'action="/console/spas/glow/suspend/"' in panel
    assert "/reactivate/" not in panel
    assert '<option value="starter" selected>' in panel
    assert "book.glowspa.com. CNAME glow.medspa.test." in panel
    assert "I have checked the DNS record" in panel
    assert 'action="/console/spas/glow/owner-welcome/"' in panel
    assert 'data-confirm="Suspend Glow Aesthetics?' in panel


ACTIONS = [
    ("/console/spas/glow/suspend/", {"reason": "x"}),
    ("/console/spas/glow/reactivate/", {"reason": "x"}),
    ("/console/spas/glow/plan/", {"plan": "pro"}),
    ("/console/spas/glow/domains/", {"domain": "book.glowspa.com"}),
    ("/console/spas/glow/domains/1/verify/", {"dns_checked": "on"}),
    ("/console/spas/glow/domains/1/remove/", {}),
    ("/console/spas/glow/owner-welcome/", {}),
]


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_actions_answer_post_only(glow, console, url, data):
    assert console.get(url).status_code == 405


@pytest.mark.parametrize(("url", "data"), ACTIONS)
def test_nobody_but_signed_in_staff_changes_anything(glow, staff_member, url, data, mailoutbox):
    from tests.shared_apps.console.conftest import sign_in

    anonymous = HostClient(settings.ROOT_DOMAIN)
    former = staff_member()
    revoked = sign_in(HostClient(settings.ROOT_DOMAIN), former)
    staff_revoke(email=former.email)
    password_only = sign_in(HostClient(settings.ROOT_DOMAIN), staff_member(), verify=False)

    for client in (anonymous, revoked, password_only):
        assert client.post(url, data).status_code == 403

    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE
    assert not Domain.objects.filter(domain="book.glowspa.com").exists()
    assert mailoutbox == []
    assert not ConsoleAuditEntry.objects.filter(
        spa_id=glow.pk,
        action__in=[
            ConsoleAction.SUSPEND,
            ConsoleAction.REACTIVATE,
            ConsoleAction.CHANGE_PLAN,
            ConsoleAction.DOMAIN_ADD,
            ConsoleAction.RESEND_INVITATION,
        ],
    ).exists()


def test_an_unknown_spa_is_404(db, console):
    assert console.post("/console/spas/nobody/suspend/", {"reason": "x"}).status_code == 404
