"""Plan sync, event replay and reconciliation, as the operators run them."""

import pytest
from django.core.management import CommandError, call_command

from shared_apps.billing.models import Plan, StripeEvent, Subscription
from tenants.models import SpaStatus
from tests.shared_apps.billing.conftest import sign


def test_plan_sync_creates_products_and_tiered_prices_once(db, stripe_api, capsys):
    call_command("billing_plan", "sync")
    first = capsys.readouterr().out
    call_command("billing_plan", "sync")
    second = capsys.readouterr().out

    starter = Plan.objects.get(code="starter")
    assert (starter.stripe_product_id, starter.stripe_price_id) == (
        "medspa_starter",
        "medspa_starter_usd_14900_2x4900",
    )
    price = stripe_api.retrieve("plans", starter.stripe_price_id)
    assert (price["product"], price["currency"], price["interval"]) == (
        "medspa_starter",
        "usd",
        "month",
    )
    assert (price["billing_scheme"], price["tiers_mode"]) == ("tiered", "graduated")
    assert [(t["up_to"], t.get("flat_amount"), t["unit_amount"]) for t in price["tiers"]] == [
        ("2", "14900", "0"),
        ("inf", None, "4900"),
    ]
    assert stripe_api.retrieve("products", "medspa_starter")["name"] == "Starter"
    assert "3 plan(s) synced." in first
    # localstripe keeps plans across tests: "new price" only in a fresh server
    assert second.count("(unchanged)") == 3


def test_new_amounts_make_a_new_price_and_retire_the_old(db, stripe_api, capsys):
    call_command("billing_plan", "sync")
    call_command(
        "billing_plan", "set", "starter", "--monthly-price-cents", "15900", "--name", "Starter+"
    )

    call_command("billing_plan", "sync")

    starter = Plan.objects.get(code="starter")
    assert starter.stripe_price_id == "medspa_starter_usd_15900_2x4900"
    assert "retired medspa_starter_usd_14900_2x4900" in capsys.readouterr().out
    assert stripe_api.retrieve("plans", "medspa_starter_usd_14900_2x4900")["active"] in (
        False,
        "false",  # localstripe stores form values as sent
    )
    assert stripe_api.retrieve("products", "medspa_starter")["name"] == "Starter+"


def test_plan_set_refuses_what_the_database_refuses(db):
    with pytest.raises(CommandError):
        call_command("billing_plan", "set", "starter", "--included-seats", "0")
    assert Plan.objects.get(code="starter").included_provider_seats == 2


def test_plan_sync_without_stripe_fails_clearly(db, settings):
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(CommandError, match="STRIPE_SECRET_KEY is not set"):
        call_command("billing_plan", "sync")


def test_replay_reprocesses_failed_events(
    glow, stripe_api, subscribed, deliver, settings, localstripe, capsys
):
    subscription = subscribed()
    event = stripe_api.event_of("customer.subscription.created", subscription.remote_id)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    assert deliver(*sign(event)).status_code == 500
    with pytest.raises(CommandError, match=event["id"]):
        call_command("billing_replay_events")

    settings.STRIPE_API_BASE = localstripe.url
    call_command("billing_replay_events")

    assert f"{event['id']:<32} processed" in capsys.readouterr().out
    assert StripeEvent.objects.get(event_id=event["id"]).attempts == 3
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id == subscription.remote_id


def test_replay_of_unmatched_events_once_the_spa_is_known(glow, stripe_api, plans, deliver, capsys):
    # given an event for a customer the platform did not know yet
    customer_id = stripe_api.customer(spa_id=glow.pk)
    remote = stripe_api.subscribe(
        customer_id=customer_id, price_id=plans["starter"].stripe_price_id, spa_id=0
    )
    event = stripe_api.event_of("customer.subscription.created", remote.id)
    assert deliver(*sign(event)).json()["status"] == "unmatched"
    Subscription.objects.create(
        spa=glow, plan=plans["starter"], status="incomplete", stripe_customer_id=customer_id
    )

    call_command("billing_replay_events")  # failed ones only: nothing
    assert StripeEvent.objects.get(event_id=event["id"]).status == "unmatched"
    call_command("billing_replay_events", "--include-unmatched")

    assert StripeEvent.objects.get(event_id=event["id"]).status == "processed"
    assert Subscription.objects.get(spa=glow).stripe_subscription_id == remote.id


def test_reconcile_finds_a_subscription_whose_webhooks_never_came(
    glow, stripe_api, subscribed, capsys
):
    # given the spa paid at Checkout but no webhook arrived
    subscription = subscribed(quantity=1)
    glow.status = SpaStatus.SUSPENDED
    glow.save()
    from tenants.models import SpaStatusChange

    SpaStatusChange.objects.create(
        spa=glow, from_status="active", to_status="suspended", cause="billing:trial_expired"
    )

    call_command("billing_reconcile")

    out = capsys.readouterr().out
    assert f"glow                     linked           {subscription.remote_id}" in out
    subscription.refresh_from_db()
    assert (subscription.status, subscription.stripe_subscription_id) == (
        "active",
        subscription.remote_id,
    )
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE
    # and a second run finds nothing to do
    call_command("billing_reconcile")
    assert "1 subscription(s) checked, 0 failed." in capsys.readouterr().out


def test_reconcile_reports_spas_it_could_not_reach(glow, stripe_api, subscribed, settings):
    subscribed()
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(CommandError, match="could not reconcile: glow"):
        call_command("billing_reconcile")
