"""The invoice mirror: `invoice.*` webhooks keep `Invoice` as Stripe has it."""

import pytest
from django.db import IntegrityError
from django.utils import timezone

from shared_apps.billing.models import Invoice, InvoiceStatus, StripeEvent
from shared_apps.billing.stripe_objects import invoice_from_object
from tenants.models import SpaStatus
from tests.shared_apps.billing.conftest import event_payload, sign


@pytest.fixture
def paying(glow, stripe_api, subscribed, deliver):
    """Glow paying through localstripe, its subscription already mirrored."""
    subscription = subscribed()
    created = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    assert deliver(*sign(created)).status_code == 200
    return subscription


def _delivered(deliver, event):
    response = deliver(*sign(event))
    assert response.status_code == 200, response.content
    return response.json()


def test_invoice_created_mirrors_the_invoice_as_stripe_has_it(glow, stripe_api, paying, deliver):
    # given the subscription's first invoice, which localstripe made and charged
    invoice_id = stripe_api.retrieve("subscriptions", paying.remote_id)["latest_invoice"]
    created = stripe_api.event_of("invoice.created", invoice_id)

    # when invoice.created arrives
    answer = _delivered(deliver, created)

    # then the mirror holds the invoice re-read from Stripe (paid by now)
    remote = stripe_api.retrieve("invoices", invoice_id)
    invoice = Invoice.objects.get(stripe_invoice_id=invoice_id)
    assert answer["status"] == "processed"
    assert (invoice.spa_id, invoice.status, invoice.currency) == (glow.pk, "paid", "usd")
    assert invoice.amount_due_cents == remote["amount_due"] > 0
    assert invoice.amount_paid_cents == remote["amount_paid"] == remote["amount_due"]
    assert invoice.period_start.timestamp() == remote["period_start"]
    assert invoice.period_end.timestamp() == remote["period_end"]
    assert invoice.stripe_created_at.timestamp() == remote["created"]
    # (localstripe numbers no invoice and has no hosted page)
    assert (invoice.number, invoice.hosted_invoice_url) == ("", "")
    assert StripeEvent.objects.get(event_id=created["id"]).spa_id == glow.pk


def test_a_failed_renewal_then_its_payment_update_the_mirror(glow, stripe_api, paying, deliver):
    # given a renewal the bank refuses
    invoice_id = stripe_api.fail_renewal(
        customer_id=paying.stripe_customer_id, subscription_id=paying.remote_id
    )

    # when invoice.payment_failed arrives, the mirror shows it open and unpaid
    _delivered(deliver, stripe_api.event_of("invoice.payment_failed", invoice_id))
    invoice = Invoice.objects.get(stripe_invoice_id=invoice_id)
    assert (invoice.status, invoice.amount_paid_cents) == ("open", 0)
    assert invoice.amount_due_cents > 0
    glow.refresh_from_db()
    assert glow.status == SpaStatus.PAST_DUE

    # when the owner pays and invoice.paid arrives, the same row shows it paid
    stripe_api.pay(customer_id=paying.stripe_customer_id, invoice_id=invoice_id)
    _delivered(deliver, event_payload("invoice.paid", stripe_api.retrieve("invoices", invoice_id)))

    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid_cents) == ("paid", invoice.amount_due_cents)
    assert Invoice.objects.filter(stripe_invoice_id=invoice_id).count() == 1
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE


def test_a_duplicate_delivery_is_a_no_op(stripe_api, paying, deliver):
    # given invoice.payment_failed, applied once
    invoice_id = stripe_api.fail_renewal(
        customer_id=paying.stripe_customer_id, subscription_id=paying.remote_id
    )
    failed = stripe_api.event_of("invoice.payment_failed", invoice_id)
    body, signature = sign(failed)
    assert deliver(body, signature).json()["duplicate"] is False
    first = Invoice.objects.get(stripe_invoice_id=invoice_id)

    # when Stripe delivers it twice more
    answers = [deliver(body, signature).json() for _ in range(2)]

    # then nothing is written again
    assert [a["duplicate"] for a in answers] == [True, True]
    again = Invoice.objects.get(stripe_invoice_id=invoice_id)
    assert again.updated_at == first.updated_at
    assert StripeEvent.objects.get(event_id=failed["id"]).attempts == 1


def test_an_older_event_arriving_last_does_not_regress_the_mirror(
    glow, stripe_api, paying, deliver
):
    # given a renewal that failed, then was paid
    invoice_id = stripe_api.fail_renewal(
        customer_id=paying.stripe_customer_id, subscription_id=paying.remote_id
    )
    failed = stripe_api.event_of("invoice.payment_failed", invoice_id)
    stripe_api.pay(customer_id=paying.stripe_customer_id, invoice_id=invoice_id)
    paid = event_payload(
        "invoice.paid", stripe_api.retrieve("invoices", invoice_id), created=failed["created"] + 5
    )

    # when invoice.paid arrives first and the older invoice.payment_failed (whose
    # payload says "open") after it
    assert failed["data"]["object"]["status"] == "open"
    _delivered(deliver, paid)
    _delivered(deliver, failed)

    # then the mirror (and the spa) stay as Stripe is now: paid
    invoice = Invoice.objects.get(stripe_invoice_id=invoice_id)
    assert (invoice.status, invoice.amount_paid_cents) == ("paid", invoice.amount_due_cents)
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE


def test_a_deleted_draft_leaves_the_mirror(stripe_api, paying, deliver):
    # given a draft invoice of the subscription, mirrored
    draft = stripe_api.client.v1.invoices.create(
        params={"customer": paying.stripe_customer_id, "subscription": paying.remote_id}
    )
    _delivered(deliver, stripe_api.event_of("invoice.created", draft.id))
    assert Invoice.objects.get(stripe_invoice_id=draft.id).status == InvoiceStatus.DRAFT

    # when the draft is deleted in Stripe and invoice.deleted arrives
    deleted = event_payload("invoice.deleted", stripe_api.retrieve("invoices", draft.id))
    stripe_api.client.v1.invoices.delete(draft.id)
    answer = _delivered(deliver, deleted)

    # then the mirror no longer lists it
    assert answer["status"] == "processed"
    assert not Invoice.objects.filter(stripe_invoice_id=draft.id).exists()


def test_an_invoice_of_no_known_spa_is_not_mirrored(db, stripe_api, deliver):
    # given a subscription of a customer no spa has
    customer_id = stripe_api.customer(spa_id=999_999)
    price = stripe_api.client.v1.plans.create(
        params={"product": {"name": "Other"}, "currency": "usd", "interval": "month", "amount": 100}
    )
    remote = stripe_api.client.v1.subscriptions.create(
        params={"customer": customer_id, "items": [{"plan": price.id}]}
    )
    invoice_id = stripe_api.retrieve("subscriptions", remote.id)["latest_invoice"]

    answer = _delivered(deliver, stripe_api.event_of("invoice.created", invoice_id))

    assert answer["status"] == "unmatched"
    assert not Invoice.objects.exists()


def test_a_one_off_invoice_is_not_the_platforms(glow, stripe_api, paying, deliver):
    # an invoice without a subscription (made by hand in Stripe) is acknowledged, not mirrored
    invoice = stripe_api.retrieve(
        "invoices", stripe_api.retrieve("subscriptions", paying.remote_id)["latest_invoice"]
    )
    invoice.pop("parent", None)
    invoice["subscription"] = None

    answer = _delivered(deliver, event_payload("invoice.created", invoice))

    assert answer["status"] == "ignored"
    assert not Invoice.objects.exists()


def test_stripes_current_invoice_shape_is_read():
    # Stripe (unlike localstripe) numbers invoices, hosts a page, and names the
    # subscription under `parent`
    remote = invoice_from_object(
        {
            "id": "in_1",
            "customer": "cus_1",
            "parent": {"subscription_details": {"subscription": "sub_1"}},
            "number": "GLOW-0007",
            "status": "uncollectible",
            "currency": "USD",
            "amount_due": 4900,
            "amount_paid": 0,
            "period_start": 1_767_225_600,
            "period_end": 1_769_904_000,
            "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1/test_1",
            "created": 1_769_904_100,
        }
    )

    assert (remote.subscription_id, remote.number, remote.currency) == ("sub_1", "GLOW-0007", "usd")
    assert remote.hosted_invoice_url == "https://invoice.stripe.com/i/acct_1/test_1"
    assert remote.period_end is not None and remote.period_end.timestamp() == 1_769_904_000


def test_the_database_refuses_an_unknown_status(glow):
    with pytest.raises(IntegrityError):
        Invoice.objects.create(
            spa=glow,
            stripe_invoice_id="in_bad",
            status="lost",
            currency="usd",
            stripe_created_at=timezone.now(),
        )
