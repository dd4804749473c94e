"""What a spa's owner does with billing on the spa's API."""

from datetime import timedelta

from django.utils import timezone

from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.billing.selectors import spa_plan_limits
from tenants.models import SpaStatus
from tenants.services import spa_set_status
from tests.shared_apps.billing.conftest import event_payload, sign

BILLING = """{ billing { status plan { code } trialEndsAt currentPeriodEnd nextInvoiceAt
  cancelAtPeriodEnd seats activeProviders hasBillingAccount availablePlans { code } } }"""
START = 'mutation { startCheckout(plan: "%s") { url errors { field code } } }'
PORTAL = "mutation { openBillingPortal { url errors { code } } }"
CHANGE = 'mutation { changePlan(plan: "%s") { billing { plan { code } seats } errors { code } } }'
CANCEL = "mutation { cancelSubscription { billing { cancelAtPeriodEnd nextInvoiceAt } errors { code } } }"


def _session_id(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_billing_of_a_spa_without_a_subscription(glow, signed_in, member_of):
    member_of(glow, "provider")

    answer = signed_in(glow, "owner").graphql(BILLING)

    assert answer.data["billing"] == {
        "status": None,
        "plan": None,
        "trialEndsAt": None,
        "currentPeriodEnd": None,
        "nextInvoiceAt": None,
        "cancelAtPeriodEnd": False,
        "seats": 0,
        "activeProviders": 1,
        "hasBillingAccount": False,
        "availablePlans": [{"code": "starter"}, {"code": "growth"}, {"code": "pro"}],
    }


def test_checkout_then_its_webhook_make_a_paying_spa(
    glow, signed_in, member_of, stripe_api, plans, deliver
):
    # given a spa made at the console (no subscription), with two providers
    member_of(glow, "provider")
    member_of(glow, "provider")
    owner = signed_in(glow, "owner")

    # when its owner starts a checkout
    answer = owner.graphql(START % "growth")

    # then a Checkout URL comes back, for a customer made for the spa
    url = answer.data["startCheckout"]["url"]
    assert answer.data["startCheckout"]["errors"] == []
    assert url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    subscription = Subscription.objects.get(spa=glow)
    assert subscription.status == SubscriptionStatus.INCOMPLETE
    customer = stripe_api.retrieve("customers", subscription.stripe_customer_id)
    assert customer["metadata"] == {"spa_id": str(glow.pk)}
    session = stripe_api.retrieve("checkout.sessions", _session_id(url))
    assert session["customer"] == subscription.stripe_customer_id
    assert session["client_reference_id"] == str(glow.pk)
    assert session["line_items"]["data"] == [
        {"price": plans["growth"].stripe_price_id, "quantity": 2}
    ]
    assert session["subscription_data"] == {"metadata": {"spa_id": str(glow.pk)}}
    assert session["success_url"] == "https://glow.medspa.test/billing?checkout=success"
    # the spa's status is untouched until Stripe says more
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE

    # when the owner pays and Stripe sends checkout.session.completed
    completed = stripe_api.complete_checkout(session["id"])
    assert deliver(*sign(event_payload("checkout.session.completed", completed))).status_code == 200

    # then the spa has an active subscription on that plan, with its seats
    billing = owner.graphql(BILLING).data["billing"]
    assert billing["status"] == "ACTIVE"
    assert billing["plan"] == {"code": "growth"}
    assert (billing["seats"], billing["activeProviders"], billing["hasBillingAccount"]) == (
        2,
        2,
        True,
    )
    assert billing["nextInvoiceAt"] == billing["currentPeriodEnd"] is not None
    subscription.refresh_from_db()
    assert subscription.stripe_subscription_id == completed["subscription"]


def test_what_is_left_of_the_trial_carries_over_to_checkout(glow, signed_in, stripe_api, plans):
    trial_end = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    Subscription.objects.create(
        spa=glow, plan=plans["starter"], status=SubscriptionStatus.TRIALING, trial_end=trial_end
    )

    url = signed_in(glow, "owner").graphql(START % "starter").data["startCheckout"]["url"]

    session = stripe_api.retrieve("checkout.sessions", _session_id(url))
    assert session["subscription_data"]["trial_end"] == str(int(trial_end.timestamp()))


def test_a_trial_ending_within_two_days_does_not_carry_over(glow, signed_in, stripe_api, plans):
    Subscription.objects.create(
        spa=glow,
        plan=plans["starter"],
        status=SubscriptionStatus.TRIALING,
        trial_end=timezone.now() + timedelta(hours=47),
    )

    url = signed_in(glow, "owner").graphql(START % "starter").data["startCheckout"]["url"]

    session = stripe_api.retrieve("checkout.sessions", _session_id(url))
    assert "trial_end" not in session["subscription_data"]


def test_checkout_refusals(glow, signed_in, stripe_api, plans, subscribed, deliver):
    owner = signed_in(glow, "owner")
    Plan.objects.create(code="unsynced", name="Unsynced", monthly_price_cents=100)

    assert owner.graphql(START % "platinum").data["startCheckout"]["errors"] == [
        {"field": "plan", "code": "PLAN_NOT_FOUND"}
    ]
    assert owner.graphql(START % "unsynced").data["startCheckout"]["errors"] == [
        {"field": "plan", "code": "PLAN_NOT_AVAILABLE"}
    ]
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))
    assert owner.graphql(START % "growth").data["startCheckout"] == {
        "url": None,
        "errors": [{"field": None, "code": "ALREADY_SUBSCRIBED"}],
    }


def test_stripe_unreachable_is_an_error_code_and_nothing_is_written(
    glow, signed_in, plans, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    answer = signed_in(glow, "owner").graphql(START % "starter")

    assert answer.status == 200
    assert answer.data["startCheckout"]["errors"] == [
        {"field": None, "code": "BILLING_PROVIDER_UNAVAILABLE"}
    ]
    assert not Subscription.objects.filter(spa=glow).exists()


def test_billing_portal(glow, signed_in, stripe_api, plans, subscribed):
    owner = signed_in(glow, "owner")
    assert owner.graphql(PORTAL).data["openBillingPortal"]["errors"] == [
        {"code": "NO_BILLING_ACCOUNT"}
    ]
    subscribed()

    answer = owner.graphql(PORTAL)

    assert answer.data["openBillingPortal"]["url"].startswith(
        "https://billing.stripe.com/p/session/bps_"
    )


def test_change_plan_moves_the_stripe_subscription(
    glow, signed_in, stripe_api, subscribed, deliver
):
    subscription = subscribed(plan="starter")
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))

    answer = signed_in(glow, "owner").graphql(CHANGE % "growth")

    assert answer.data["changePlan"] == {
        "billing": {"plan": {"code": "growth"}, "seats": 1},
        "errors": [],
    }
    remote = stripe_api.retrieve("subscriptions", subscription.remote_id)
    assert remote["items"]["data"][0]["plan"]["id"] == "medspa_growth_usd_29900_5x3900"


def test_change_plan_during_the_platforms_trial_changes_only_the_plan(glow, signed_in, plans):
    Subscription.objects.create(
        spa=glow,
        plan=plans["starter"],
        status=SubscriptionStatus.TRIALING,
        trial_end=timezone.now() + timedelta(days=5),
    )

    answer = signed_in(glow, "owner").graphql(CHANGE % "pro")

    assert answer.data["changePlan"]["billing"]["plan"] == {"code": "pro"}
    assert Subscription.objects.get(spa=glow).stripe_customer_id is None


def test_cancel_at_period_end(glow, signed_in, stripe_api, subscribed, deliver):
    owner = signed_in(glow, "owner")
    assert owner.graphql(CANCEL).data["cancelSubscription"]["errors"] == [
        {"code": "NO_SUBSCRIPTION"}
    ]
    subscription = subscribed()
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))

    answer = owner.graphql(CANCEL)

    assert answer.data["cancelSubscription"] == {
        "billing": {"cancelAtPeriodEnd": True, "nextInvoiceAt": None},
        "errors": [],
    }
    assert stripe_api.retrieve("subscriptions", subscription.remote_id)["cancel_at_period_end"]
    glow.refresh_from_db()
    assert glow.status == SpaStatus.ACTIVE  # full access until the period ends


def test_a_suspended_spa_can_still_pay_but_not_change_plan(glow, signed_in, stripe_api, plans):
    owner = signed_in(glow, "owner")
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED, cause="billing:test")

    checkout = owner.graphql(START % "starter")
    change = owner.graphql(CHANGE % "growth")

    assert checkout.data["startCheckout"]["url"].startswith("https://checkout.stripe.com/")
    assert (change.status, change.error_codes) == (403, ["SPA_SUSPENDED"])


def test_billing_is_the_spas_own(glow, radiance, signed_in, stripe_api, subscribed, deliver):
    subscription = subscribed(spa=glow)
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))

    elsewhere = signed_in(radiance, "owner")

    assert elsewhere.graphql(BILLING).data["billing"]["status"] is None
    assert elsewhere.graphql(PORTAL).data["openBillingPortal"]["errors"] == [
        {"code": "NO_BILLING_ACCOUNT"}
    ]
    assert elsewhere.graphql(CANCEL).data["cancelSubscription"]["errors"] == [
        {"code": "NO_SUBSCRIPTION"}
    ]
    assert Subscription.objects.get(spa=glow).cancel_at_period_end is False


def test_plan_limits_for_the_apps_that_enforce_them(glow, radiance, plans):
    Subscription.objects.create(spa=glow, plan=plans["starter"], status=SubscriptionStatus.TRIALING)

    assert spa_plan_limits(spa_id=glow.pk).max_locations == 1
    assert spa_plan_limits(spa_id=radiance.pk).max_locations is None  # no subscription


def test_billing_costs_a_fixed_number_of_queries(
    glow, signed_in, member_of, plans, django_assert_num_queries
):
    Subscription.objects.create(spa=glow, plan=plans["growth"], status=SubscriptionStatus.ACTIVE)
    for _ in range(3):
        member_of(glow, "provider")
    owner = signed_in(glow, "owner")
    owner.graphql("{ me { role } }")  # the token's last use is written once

    # token, subscription + plan, providers, plans (the warm-up left the
    # connection on glow's search_path: no SET)
    with django_assert_num_queries(4):
        answer = owner.graphql(BILLING)

    assert answer.data["billing"]["activeProviders"] == 3


def test_plans_cost_a_fixed_number_of_queries(db, platform_client, django_assert_num_queries):
    # SET search_path (public), plans
    with django_assert_num_queries(2):
        answer = platform_client.graphql("{ plans { code monthlyPriceCents } }")

    assert len(answer.data["plans"]) == 3
