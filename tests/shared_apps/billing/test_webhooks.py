"""POST /webhooks/stripe/: signatures, storage, duplicates, order, unknown things, failures."""

import json
import logging
import time

from shared_apps.billing.models import StripeEvent, StripeEventStatus, Subscription
from tenants.models import SpaStatus, SpaStatusChange
from tests.shared_apps.billing.conftest import WEBHOOK_SECRET, event_payload, sign


def test_a_delivery_signed_by_localstripe_is_applied(glow, stripe_api, subscribed, deliver):
    # given a subscription localstripe made, and its webhook as localstripe signed it
    subscription = subscribed(quantity=2)
    delivery = stripe_api.server.sink.wait_for(
        "customer.subscription.created", subscription.remote_id
    )

    # when the platform receives it
    response = deliver(delivery.body, delivery.signature)

    # then it is stored once and the mirror holds Stripe's subscription
    assert response.status_code == 200
    assert response.json()["status"] == "processed"
    stored = StripeEvent.objects.get(event_id=delivery.event["id"])
    assert (stored.type, stored.status, stored.spa_id) == (
        "customer.subscription.created",
        StripeEventStatus.PROCESSED,
        glow.pk,
    )
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id == subscription.remote_id
    assert (subscription.status, subscription.seats) == ("active", 2)
    assert subscription.current_period_end is not None
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE


def test_bad_signature_is_refused_and_nothing_stored(glow, stripe_api, subscribed, deliver):
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    body, _ = sign(event)
    _, forged = sign(event, secret="whsec_not_the_platforms")

    for signature in (forged, None, "t=123,v1=abc", "garbage"):
        response = deliver(body, signature)
        assert response.status_code == 400, signature
        assert response.json()["error"]["code"] == "SIGNATURE_INVALID"

    # a body changed after signing fails too
    tampered = body.replace(b'"livemode": false', b'"livemode": true')
    assert deliver(tampered, sign(event)[1]).status_code == 400
    assert not StripeEvent.objects.exists()
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id is None


def test_stale_timestamp_is_refused(glow, stripe_api, subscribed, deliver):
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    body, signature = sign(event, timestamp=int(time.time()) - 301)  # tolerance: 300 s

    response = deliver(body, signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "TIMESTAMP_OUTSIDE_TOLERANCE"
    assert not StripeEvent.objects.exists()


def test_a_timestamp_in_the_future_is_refused(glow, stripe_api, subscribed, deliver):
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    body, signature = sign(event, timestamp=int(time.time()) + 86_400)  # a day ahead

    response = deliver(body, signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "TIMESTAMP_OUTSIDE_TOLERANCE"
    assert not StripeEvent.objects.exists()


def test_a_timestamp_a_little_ahead_is_within_the_tolerance(glow, stripe_api, subscribed, deliver):
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    body, signature = sign(event, timestamp=int(time.time()) + 60)  # clocks differ a little

    assert deliver(body, signature).status_code == 200


def test_a_rotated_secret_is_accepted_alongside_the_new_one(
    glow, stripe_api, subscribed, deliver, settings
):
    settings.STRIPE_WEBHOOK_SECRETS = ["whsec_new", WEBHOOK_SECRET]
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)

    assert deliver(*sign(event, secret="whsec_new")).status_code == 200
    assert deliver(*sign(event, secret=WEBHOOK_SECRET)).json()["duplicate"] is True


def test_a_body_that_is_not_an_event_is_refused(db, deliver):
    body = json.dumps({"hello": "world"})
    _, signature = sign({"hello": "world"})

    response = deliver(body.encode(), signature)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "PAYLOAD_INVALID"


def test_without_a_webhook_secret_nothing_is_accepted(db, deliver, settings):
    settings.STRIPE_WEBHOOK_SECRETS = []
    body, signature = sign(event_payload("invoice.paid", {"id": "in_1"}))

    assert deliver(body, signature).status_code == 503
    assert not StripeEvent.objects.exists()


def test_only_post_is_accepted(db, platform_client):
    assert platform_client.get("/webhooks/stripe/").status_code == 405


def test_the_webhook_exists_on_the_root_domain_only(glow, client_for):
    response = client_for(glow).post(
        "/webhooks/stripe/", data=b"{}", content_type="application/json"
    )

    assert response.status_code == 404


def test_same_event_delivered_three_times_has_one_effect(
    glow, stripe_api, subscribed, deliver, mailoutbox
):
    # given an active subscription whose renewal then fails in localstripe
    subscription = subscribed()
    created = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    assert deliver(*sign(created)).status_code == 200
    invoice_id = stripe_api.fail_renewal(
        customer_id=subscription.stripe_customer_id, subscription_id=subscription.remote_id
    )
    failed = stripe_api.event_of("invoice.payment_failed", invoice_id)
    body, signature = sign(failed)

    # when Stripe delivers invoice.payment_failed three times
    answers = [deliver(body, signature) for _ in range(3)]

    # then: one stored event, one status change, one email
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["duplicate"] for a in answers] == [False, True, True]
    assert StripeEvent.objects.filter(event_id=failed["id"]).count() == 1
    assert StripeEvent.objects.get(event_id=failed["id"]).attempts == 1
    changes = SpaStatusChange.objects.filter(spa=glow, cause=f"stripe:{failed['id']}")
    assert [(c.from_status, c.to_status) for c in changes] == [("active", "past_due")]
    assert [m.subject for m in mailoutbox] == ["Glow Aesthetics: your payment did not go through"]


def test_updated_before_created_ends_in_stripes_current_state(
    glow, stripe_api, subscribed, deliver
):
    # given a subscription created with 1 seat, then raised to 3 in Stripe
    subscription = subscribed(quantity=1)
    created = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    remote = stripe_api.client.v1.subscriptions.retrieve(subscription.remote_id)
    stripe_api.client.v1.subscriptions.update(
        remote.id, params={"items": [{"id": remote["items"].data[0].id, "quantity": 3}]}
    )
    # (localstripe sends no customer.subscription.updated: built from its object)
    updated = event_payload(
        "customer.subscription.updated",
        stripe_api.retrieve("subscriptions", subscription.remote_id),
        created=created["created"] + 1,
    )

    # when `updated` arrives first, then `created` (whose payload says 1 seat)
    assert created["data"]["object"]["quantity"] == 1
    assert deliver(*sign(updated)).status_code == 200
    assert deliver(*sign(created)).status_code == 200

    # then the mirror is Stripe's current state, not the last payload's
    subscription.refresh_from_db()
    assert (subscription.status, subscription.seats) == ("active", 3)
    assert subscription.last_event_at.timestamp() == updated["created"]
    assert set(StripeEvent.objects.values_list("event_id", "status")) == {
        (updated["id"], "processed"),
        (created["id"], "processed"),
    }


def test_event_for_an_unknown_customer_is_stored_and_reported(db, stripe_api, deliver, caplog):
    # given a subscription of a customer no spa has
    customer_id = stripe_api.customer(spa_id=999_999)
    plan = stripe_api.client.v1.plans.create(
        params={
            "product": {"name": "Elsewhere"},
            "currency": "usd",
            "interval": "month",
            "amount": 100,
        }
    )
    remote = stripe_api.client.v1.subscriptions.create(
        params={"customer": customer_id, "items": [{"plan": plan.id}]}
    )
    event = stripe_api.event_of("customer.subscription.created", remote.id)

    # when it is delivered
    with caplog.at_level(logging.WARNING, logger="shared_apps.billing.webhooks"):
        response = deliver(*sign(event))

    # then it is acknowledged, stored as unmatched and reported; nothing else changes
    assert response.status_code == 200
    assert response.json()["status"] == "unmatched"
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert (stored.status, stored.spa_id, stored.error) == ("unmatched", None, "")
    assert stored.payload["data"]["object"]["customer"] == customer_id
    assert f"stripe event {event['id']} (customer.subscription.created) matches no spa" in (
        caplog.text
    )
    assert not Subscription.objects.exists()


def test_unknown_event_types_are_stored_and_acknowledged(db, deliver):
    event = event_payload("customer.tax_id.created", {"id": "txi_123", "object": "tax_id"})

    response = deliver(*sign(event))

    assert response.status_code == 200
    assert StripeEvent.objects.get(event_id=event["id"]).status == StripeEventStatus.IGNORED


def test_a_failing_handler_answers_500_keeps_the_error_and_a_retry_applies_it(
    glow, stripe_api, subscribed, deliver, settings, localstripe
):
    # given Stripe cannot be reached when the event arrives (the handler re-reads it)
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    body, signature = sign(event)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    response = deliver(body, signature)

    # then 500 (Stripe retries), the row keeps the error, the effect is rolled back
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "PROCESSING_FAILED"
    stored = StripeEvent.objects.get(event_id=event["id"])
    assert stored.status == StripeEventStatus.FAILED
    assert stored.error.startswith("BillingProviderError: APIConnectionError")
    assert stored.processed_at is None
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id is None

    # when Stripe retries once it is reachable again, the event is applied
    settings.STRIPE_API_BASE = localstripe.url
    retry = deliver(body, signature)

    assert retry.status_code == 200
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.error) == ("processed", 2, "")
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id == subscription.remote_id
