"""Reconciliation backfills the invoice mirror from Stripe's list of the customer's
invoices, through the webhooks' own `invoice_apply_remote`."""

import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shared_apps.billing.models import Invoice, StripeEvent, Subscription
from shared_apps.billing.reconcile import subscriptions_reconcile
from shared_apps.billing.stripe_gateway import invoice_list_for_customer
from shared_apps.billing.stripe_objects import timestamp_to_datetime
from tests.shared_apps.billing.conftest import sign

MIRRORED = (
    "stripe_invoice_id",
    "spa_id",
    "status",
    "currency",
    "amount_due_cents",
    "amount_paid_cents",
    "period_start",
    "period_end",
    "stripe_created_at",
    "updated_at",
)


@pytest.fixture
def paying(glow, stripe_api, subscribed, deliver):
    """Glow paying through localstripe, its subscription mirrored by its webhook,
    but no invoice event ever delivered: the mirror has no invoice."""
    subscription = subscribed()
    created = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    assert deliver(*sign(created)).status_code == 200
    assert not Invoice.objects.exists()
    return subscription


def _rows() -> list[tuple[object, ...]]:
    return list(Invoice.objects.order_by("stripe_invoice_id").values_list(*MIRRORED))


def _by_slug(results):
    return {result.slug: result for result in results}


def _first_invoice(stripe_api, subscription) -> dict:
    invoice_id = stripe_api.retrieve("subscriptions", subscription.remote_id)["latest_invoice"]
    return stripe_api.retrieve("invoices", invoice_id)


def test_an_invoice_stripe_has_and_the_mirror_lacks_appears(glow, stripe_api, paying):
    # given the subscription's first invoice, made and charged in Stripe, never mirrored
    remote = _first_invoice(stripe_api, paying)

    # when reconciliation runs
    glow_result = _by_slug(subscriptions_reconcile())["glow"]

    # then the mirror holds it as Stripe has it, and the count says so
    assert (glow_result.outcome, glow_result.invoices_added, glow_result.invoices_updated) == (
        "unchanged",
        1,
        0,
    )
    invoice = Invoice.objects.get(stripe_invoice_id=remote["id"])
    assert (invoice.spa_id, invoice.status, invoice.currency) == (glow.pk, "paid", "usd")
    assert invoice.amount_due_cents == remote["amount_due"] > 0
    assert invoice.amount_paid_cents == remote["amount_paid"]
    assert invoice.period_start == timestamp_to_datetime(remote["period_start"])
    assert invoice.period_end == timestamp_to_datetime(remote["period_end"])
    assert invoice.stripe_created_at == timestamp_to_datetime(remote["created"])
    # (no event was made up for it)
    assert not StripeEvent.objects.filter(type__startswith="invoice.").exists()


def test_a_second_run_changes_nothing(glow, stripe_api, paying):
    # given a renewal that failed (open) besides the first invoice (paid), both backfilled
    stripe_api.fail_renewal(customer_id=paying.stripe_customer_id, subscription_id=paying.remote_id)
    first = _by_slug(subscriptions_reconcile())["glow"]
    assert (first.invoices_added, first.invoices_updated) == (2, 0)
    before = _rows()

    # when reconciliation runs again
    with CaptureQueriesContext(connection) as queries:
        again = _by_slug(subscriptions_reconcile())["glow"]

    # then it counts nothing, writes nothing (not even updated_at), and reads
    # each invoice's row once
    assert (again.invoices_added, again.invoices_updated) == (0, 0)
    assert _rows() == before
    invoice_sql = [q["sql"] for q in queries.captured_queries if '"billing_invoice"' in q["sql"]]
    assert len(invoice_sql) == 2
    assert all(sql.startswith("SELECT") for sql in invoice_sql)


def test_an_invoice_that_changed_in_stripe_is_updated(glow, stripe_api, paying, deliver):
    # given a failed renewal the mirror has as open (from its webhook)
    invoice_id = stripe_api.fail_renewal(
        customer_id=paying.stripe_customer_id, subscription_id=paying.remote_id
    )
    assert (
        deliver(*sign(stripe_api.event_of("invoice.payment_failed", invoice_id))).json()["status"]
        == "processed"
    )
    assert Invoice.objects.get(stripe_invoice_id=invoice_id).status == "open"

    # when the owner pays it but invoice.paid never arrives, and reconciliation runs
    stripe_api.pay(customer_id=paying.stripe_customer_id, invoice_id=invoice_id)
    result = _by_slug(subscriptions_reconcile())["glow"]

    # then the renewal is updated in place and the first invoice is added
    assert (result.invoices_added, result.invoices_updated) == (1, 1)
    invoice = Invoice.objects.get(stripe_invoice_id=invoice_id)
    assert (invoice.status, invoice.amount_paid_cents) == ("paid", invoice.amount_due_cents)
    assert Invoice.objects.filter(spa=glow).count() == 2


def test_an_invoice_further_along_in_the_mirror_is_not_set_back(stripe_api, paying, deliver):
    # given a renewal Stripe answers as open, which the mirror already has as paid
    # (a state written after the one Stripe's answer reflects)
    invoice_id = stripe_api.fail_renewal(
        customer_id=paying.stripe_customer_id, subscription_id=paying.remote_id
    )
    deliver(*sign(stripe_api.event_of("invoice.payment_failed", invoice_id)))
    mirrored = Invoice.objects.get(stripe_invoice_id=invoice_id)
    Invoice.objects.filter(pk=mirrored.pk).update(
        status="paid", amount_paid_cents=mirrored.amount_due_cents
    )
    assert stripe_api.retrieve("invoices", invoice_id)["status"] == "open"

    # when reconciliation runs
    result = _by_slug(subscriptions_reconcile())["glow"]

    # then the renewal stays paid; only the missing first invoice is added
    assert (result.invoices_added, result.invoices_updated) == (1, 0)
    kept = Invoice.objects.get(stripe_invoice_id=invoice_id)
    assert (kept.status, kept.amount_paid_cents) == ("paid", mirrored.amount_due_cents)


def test_invoices_from_before_the_subscription_are_not_read(glow, stripe_api, plans):
    # given a customer whose earlier subscription was invoiced (in an earlier
    # second), and the spa's current subscription made after it
    customer_id = stripe_api.customer(spa_id=glow.pk)
    price_id = plans["starter"].stripe_price_id
    earlier = stripe_api.subscribe(customer_id=customer_id, price_id=price_id, spa_id=glow.pk)
    earlier_invoice = stripe_api.retrieve("subscriptions", earlier.id)["latest_invoice"]
    tick = int(time.time())
    while int(time.time()) == tick:  # Stripe's timestamps are whole seconds
        time.sleep(0.05)
    current = stripe_api.subscribe(customer_id=customer_id, price_id=price_id, spa_id=glow.pk)
    current_invoice = stripe_api.retrieve("subscriptions", current.id)["latest_invoice"]
    Subscription.objects.create(
        spa=glow,
        plan=plans["starter"],
        status="active",
        stripe_customer_id=customer_id,
        stripe_subscription_id=current.id,
    )

    result = _by_slug(subscriptions_reconcile())["glow"]

    # then the current subscription's invoice is backfilled, the earlier one not read
    assert result.invoices_added == 1
    assert list(Invoice.objects.values_list("stripe_invoice_id", flat=True)) == [current_invoice]
    assert not Invoice.objects.filter(stripe_invoice_id=earlier_invoice).exists()


def test_one_spa_failing_keeps_the_others_results(glow, radiance, stripe_api, subscribed):
    # given radiance (reconciled first) whose customer was deleted in Stripe, so
    # its invoices cannot be listed, and glow whose webhooks never came
    broken = subscribed(spa=radiance)
    Subscription.objects.filter(pk=broken.pk).update(stripe_subscription_id=broken.remote_id)
    stripe_api.client.v1.customers.delete(broken.stripe_customer_id)
    working = subscribed(spa=glow)
    assert broken.pk < working.pk

    # when reconciliation runs
    results = _by_slug(subscriptions_reconcile())

    # then radiance is reported failed with nothing of it written (its
    # subscription was re-read before the failure, and that rolled back)
    assert results["radiance"].outcome == "failed"
    assert results["radiance"].detail.startswith("BillingProviderError: InvalidRequestError")
    assert (results["radiance"].invoices_added, results["radiance"].invoices_updated) == (0, 0)
    broken.refresh_from_db()
    assert (broken.status, broken.synced_at) == ("incomplete", None)
    assert not Invoice.objects.filter(spa=radiance).exists()
    # and glow is linked, its invoice backfilled
    assert (results["glow"].outcome, results["glow"].invoices_added) == ("linked", 1)
    working.refresh_from_db()
    assert working.stripe_subscription_id == working.remote_id
    assert Invoice.objects.filter(spa=glow).count() == 1


def test_the_command_reports_invoice_counts(glow, radiance, stripe_api, subscribed, capsys):
    # given glow whose webhooks never came, and radiance whose Stripe customer is gone
    subscription = subscribed(spa=glow)
    broken = subscribed(spa=radiance)
    Subscription.objects.filter(pk=broken.pk).update(stripe_subscription_id=broken.remote_id)
    stripe_api.client.v1.customers.delete(broken.stripe_customer_id)

    # when the daily command runs
    with pytest.raises(CommandError, match=r"could not reconcile: radiance$"):
        call_command("billing_reconcile")

    # then glow's line and the totals count its backfilled invoice
    out = capsys.readouterr().out
    assert (
        f"glow                     linked           {subscription.remote_id}; "
        "invoices: 1 added, 0 updated\n"
    ) in out
    assert "radiance                 failed           BillingProviderError" in out
    assert "2 subscription(s) checked, 1 failed.\ninvoices: 1 added, 0 updated.\n" in out

    # and once radiance is set right, a second run adds nothing
    Subscription.objects.filter(pk=broken.pk).delete()
    call_command("billing_reconcile")
    again = capsys.readouterr().out
    assert again.endswith("1 subscription(s) checked, 0 failed.\ninvoices: 0 added, 0 updated.\n")
    assert "glow" not in again


def test_the_customer_list_is_paged_and_bounded(stripe_api, paying):
    # given the customer's first invoice and two more drafts of the subscription
    first = _first_invoice(stripe_api, paying)["id"]
    drafts = [
        stripe_api.client.v1.invoices.create(
            params={"customer": paying.stripe_customer_id, "subscription": paying.remote_id}
        ).id
        for _ in range(2)
    ]

    # when listed two to a page, all of them come back over the pages
    listed = invoice_list_for_customer(
        customer_id=paying.stripe_customer_id, created_since=None, page_size=2
    )
    assert sorted(i.id for i in listed) == sorted([first, *drafts])
    assert {i.subscription_id for i in listed} == {paying.remote_id}

    # and none when all were created before the bound
    newest = max(i.created for i in listed if i.created is not None)
    later = newest.replace(year=newest.year + 1)
    assert (
        invoice_list_for_customer(customer_id=paying.stripe_customer_id, created_since=later) == []
    )


def test_listing_without_a_customer_is_refused(db, stripe_api):
    # an empty customer filter would list every invoice of the Stripe account
    with pytest.raises(ValueError, match="customer id is required"):
        invoice_list_for_customer(customer_id="", created_since=None)
