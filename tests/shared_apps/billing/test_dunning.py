"""The spa's status follows billing: past due, grace, suspension, payment, cancellation."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from shared_apps.billing.dunning import billing_enforce
from shared_apps.billing.models import Subscription, SubscriptionStatus
from tenants.models import SpaStatus, SpaStatusChange
from tenants.services import spa_set_status
from tests.shared_apps.billing.conftest import event_payload, sign


def test_payment_failure_past_due_then_suspended_after_grace_then_active_when_paid(
    glow, stripe_api, subscribed, deliver, signed_in, mailoutbox, django_capture_on_commit_callbacks
):
    # given glow pays through Stripe
    subscription = subscribed()
    created = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    assert deliver(*sign(created)).status_code == 200
    owner = signed_in(glow, "owner")

    # when a renewal fails (in localstripe: the subscription goes past_due)
    invoice_id = stripe_api.fail_renewal(
        customer_id=subscription.stripe_customer_id, subscription_id=subscription.remote_id
    )
    failed = stripe_api.event_of("invoice.payment_failed", invoice_id)
    assert deliver(*sign(failed)).status_code == 200

    # then the spa is past due: full access, a warning, an email to the owner
    glow.refresh_from_db()
    subscription.refresh_from_db()
    assert (glow.status, subscription.status) == ("past_due", "past_due")
    assert subscription.past_due_since is not None
    answer = owner.graphql("{ spa { status } }")
    assert answer.data == {"spa": {"status": "PAST_DUE"}}
    assert answer.body["extensions"]["spaStatus"]["code"] == "SPA_PAST_DUE"
    assert owner.graphql('mutation { updateMe(name: "Still Works") { errors { code } } }').data == {
        "updateMe": {"errors": []}
    }
    assert len(mailoutbox) == 1
    # every active owner of the spa
    assert sorted(mailoutbox[0].to) == sorted(["owner@glow.example", owner.membership.user.email])
    assert "read-only" in mailoutbox[0].body

    # when the grace period (14 days) has not passed yet, nothing changes
    almost = subscription.past_due_since + timedelta(days=13, hours=23)
    assert billing_enforce(now=almost).changed == {}
    glow.refresh_from_db()
    assert glow.status == SpaStatus.PAST_DUE

    # when it has passed, the spa is suspended: read-only, nothing deleted
    with django_capture_on_commit_callbacks(execute=True):
        report = billing_enforce(now=subscription.past_due_since + timedelta(days=14))
    assert report.changed == {"glow": "suspended"}
    glow.refresh_from_db()
    assert glow.status == SpaStatus.SUSPENDED
    refused = owner.graphql('mutation { updateMe(name: "Nope") { errors { code } } }')
    assert (refused.status, refused.error_codes) == (403, ["SPA_SUSPENDED"])
    assert owner.graphql("{ me { name } }").data == {"me": {"name": "Still Works"}}
    assert mailoutbox[-1].subject == "Glow Aesthetics is now read-only"

    # when the invoice is paid (localstripe: the subscription is active again),
    # invoice.paid reactivates the spa at once
    stripe_api.pay(customer_id=subscription.stripe_customer_id, invoice_id=invoice_id)
    paid = event_payload("invoice.paid", stripe_api.retrieve("invoices", invoice_id))
    assert deliver(*sign(paid)).status_code == 200

    glow.refresh_from_db()
    subscription.refresh_from_db()
    assert (glow.status, subscription.status, subscription.past_due_since) == (
        "active",
        "active",
        None,
    )
    assert owner.graphql('mutation { updateMe(name: "Back") { errors { code } } }').status == 200
    assert mailoutbox[-1].subject == "Glow Aesthetics is fully active again"
    # and every change is recorded with its cause
    changes = SpaStatusChange.objects.filter(spa=glow).order_by("created_at", "pk")
    assert [(c.from_status, c.to_status, c.cause) for c in changes] == [
        ("provisioning", "active", "provisioning"),
        ("active", "past_due", f"stripe:{failed['id']}"),
        ("past_due", "suspended", "billing:grace_period"),
        ("suspended", "active", f"stripe:{paid['id']}"),
    ]


def test_the_grace_period_is_a_setting(glow, stripe_api, subscribed, deliver, settings):
    settings.BILLING_PAST_DUE_GRACE_DAYS = 3
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))
    invoice_id = stripe_api.fail_renewal(
        customer_id=subscription.stripe_customer_id, subscription_id=subscription.remote_id
    )
    deliver(*sign(stripe_api.event_of("invoice.payment_failed", invoice_id)))
    subscription.refresh_from_db()

    assert billing_enforce(now=subscription.past_due_since + timedelta(days=3)).changed == {
        "glow": "suspended"
    }


def test_a_late_payment_failure_past_the_grace_period_suspends_at_once(
    glow, stripe_api, subscribed, deliver
):
    # given the failure event arrives (or is replayed) 15 days after it happened
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))
    invoice_id = stripe_api.fail_renewal(
        customer_id=subscription.stripe_customer_id, subscription_id=subscription.remote_id
    )
    failed = stripe_api.event_of("invoice.payment_failed", invoice_id)
    failed["created"] -= 15 * 86400

    deliver(*sign(failed))

    glow.refresh_from_db()
    assert glow.status == SpaStatus.SUSPENDED


def test_canceled_suspends_and_keeps_data_for_the_retention_period(
    glow, stripe_api, subscribed, deliver, settings
):
    settings.BILLING_CANCELED_RETENTION_DAYS = 30
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))

    stripe_api.client.v1.subscriptions.cancel(subscription.remote_id)
    deleted = stripe_api.event_of("customer.subscription.deleted", subscription.remote_id)
    assert deliver(*sign(deleted)).status_code == 200

    glow.refresh_from_db()
    subscription.refresh_from_db()
    assert (glow.status, subscription.status) == ("suspended", "canceled")
    assert glow.status_reason == "The subscription was canceled."
    ended = subscription.canceled_at
    assert ended is not None
    # within retention: nothing to do; after it: listed, and closed only if asked
    assert billing_enforce(now=ended + timedelta(days=29)).retention_expired == []
    report = billing_enforce(now=ended + timedelta(days=30))
    assert (report.retention_expired, report.closed) == (["glow"], [])
    glow.refresh_from_db()
    assert glow.status == SpaStatus.SUSPENDED
    report = billing_enforce(now=ended + timedelta(days=30), close_expired=True)
    assert report.closed == ["glow"]
    glow.refresh_from_db()
    assert glow.status == SpaStatus.CLOSED
    assert SpaStatusChange.objects.filter(spa=glow).last().cause == "billing:retention_expired"


def test_a_trial_that_ends_without_a_subscription_suspends(glow, plans):
    glow.status = SpaStatus.TRIALING
    glow.save()
    trial_end = timezone.now() + timedelta(days=14)
    Subscription.objects.create(
        spa=glow, plan=plans["starter"], status=SubscriptionStatus.TRIALING, trial_end=trial_end
    )

    assert billing_enforce(now=trial_end - timedelta(minutes=1)).changed == {}
    assert billing_enforce(now=trial_end).changed == {"glow": "suspended"}
    glow.refresh_from_db()
    assert glow.status_reason == "The trial ended without a subscription."


def test_a_suspension_made_at_the_console_is_not_lifted_by_a_payment(
    glow, stripe_api, subscribed, deliver
):
    # given a spa the platform suspended by hand (a chargeback, say)
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED, reason="chargeback", cause="console")

    # when Stripe says the subscription is active
    again = event_payload(
        "customer.subscription.updated",
        stripe_api.retrieve("subscriptions", subscription.remote_id),
    )
    deliver(*sign(again))

    # then it stays suspended
    glow.refresh_from_db()
    assert (glow.status, glow.status_reason) == ("suspended", "chargeback")


def test_billing_enforce_command_reports_what_it_changed(glow, plans, capsys):
    glow.status = SpaStatus.TRIALING
    glow.save()
    Subscription.objects.create(
        spa=glow,
        plan=plans["starter"],
        status=SubscriptionStatus.TRIALING,
        trial_end=timezone.now() - timedelta(seconds=1),
    )

    call_command("billing_enforce")

    assert "glow                     -> suspended" in capsys.readouterr().out
    glow.refresh_from_db()
    assert glow.status == SpaStatus.SUSPENDED


@pytest.mark.parametrize(
    ("event_type", "subject"),
    [
        ("customer.subscription.trial_will_end", "Glow Aesthetics: your trial ends"),
        ("invoice.payment_action_required", "Glow Aesthetics: your bank needs you to confirm"),
    ],
)
def test_owner_emails_for_trial_end_and_payment_confirmation(
    glow, stripe_api, subscribed, deliver, mailoutbox, event_type, subject
):
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))
    if event_type.startswith("invoice"):
        invoice = stripe_api.retrieve(
            "invoices",
            stripe_api.retrieve("subscriptions", subscription.remote_id)["latest_invoice"],
        )
        invoice["hosted_invoice_url"] = "https://invoice.stripe.com/i/test"
        event = event_payload(event_type, invoice)
    else:
        event = event_payload(
            event_type, stripe_api.retrieve("subscriptions", subscription.remote_id)
        )

    assert deliver(*sign(event)).status_code == 200

    assert [m.subject[: len(subject)] for m in mailoutbox] == [subject]
    assert mailoutbox[0].to == ["owner@glow.example"]
    if event_type.startswith("invoice"):
        assert "https://invoice.stripe.com/i/test" in mailoutbox[0].body


def test_status_changes_at_the_console_are_recorded_as_such(glow):
    call_command("spa", "status", "glow", "suspended", "--reason", "chargeback")

    change = SpaStatusChange.objects.filter(spa=glow).last()
    assert (change.from_status, change.to_status, change.cause, change.reason) == (
        "active",
        "suspended",
        "console",
        "chargeback",
    )
