"""Billed seats follow the spa's active providers, pushed to Stripe on commit."""

import logging

import pytest
from django.core.management import call_command

from shared_apps.accounts.services.invitations import invitation_create
from shared_apps.billing.models import Subscription
from tests.shared_apps.accounts.ids import global_id
from tests.shared_apps.billing.conftest import sign


@pytest.fixture
def paying_glow(glow, stripe_api, subscribed, deliver) -> Subscription:
    subscription = subscribed(quantity=1)
    deliver(*sign(stripe_api.event_of("customer.subscription.created", subscription.remote_id)))
    subscription.refresh_from_db()
    subscription.remote_id = subscription.stripe_subscription_id  # type: ignore[attr-defined]
    return subscription


def _remote_quantity(stripe_api, subscription) -> int:
    remote = stripe_api.retrieve("subscriptions", subscription.stripe_subscription_id)
    return int(remote["items"]["data"][0]["quantity"])


def test_seats_follow_role_changes_and_deactivation(
    glow, paying_glow, stripe_api, signed_in, member_of
):
    owner = signed_in(glow, "owner")
    member_of(glow, "provider")
    desk = member_of(glow, "front_desk")
    assert paying_glow.seats == 1

    # a second provider: 2 seats
    changed = owner.graphql(
        f'mutation {{ changeMemberRole(id: "{global_id(glow, "Member", desk.pk)}", '
        "role: PROVIDER) { errors { code } } }"
    )
    assert changed.data["changeMemberRole"]["errors"] == []
    assert _remote_quantity(stripe_api, paying_glow) == 2
    paying_glow.refresh_from_db()
    assert paying_glow.seats == 2

    # one leaves: back to 1
    owner.graphql(
        f'mutation {{ deactivateMember(id: "{global_id(glow, "Member", desk.pk)}") '
        "{ errors { code } } }"
    )
    assert _remote_quantity(stripe_api, paying_glow) == 1
    paying_glow.refresh_from_db()
    assert paying_glow.seats == 1


def test_an_accepted_provider_invitation_adds_a_seat(
    glow, paying_glow, stripe_api, member_of, client_for
):
    member_of(glow, "provider")
    owner = member_of(glow, "owner")
    invitation = invitation_create(
        spa=glow, invited_by=owner, email="new.provider@glow.example", role="provider"
    )

    answer = client_for(glow).graphql(
        'mutation($t: String!) { acceptInvitation(token: $t, name: "Nia Provider", '
        'password: "a-long-unusual-passphrase") { errors { code } } }',
        {"t": invitation.secret},
    )

    assert answer.data["acceptInvitation"]["errors"] == []
    assert _remote_quantity(stripe_api, paying_glow) == 2


def test_seats_that_did_not_reach_stripe_are_pushed_by_reconcile(
    glow, paying_glow, stripe_api, signed_in, member_of, settings, localstripe, caplog
):
    owner = signed_in(glow, "owner")
    member_of(glow, "provider")
    desk = member_of(glow, "front_desk")
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    # the role change stands although Stripe cannot be told
    with caplog.at_level(logging.ERROR, logger="shared_apps.billing.services"):
        changed = owner.graphql(
            f'mutation {{ changeMemberRole(id: "{global_id(glow, "Member", desk.pk)}", role: PROVIDER) '
            "{ member { role } errors { code } } }"
        )
    assert changed.data["changeMemberRole"] == {"member": {"role": "PROVIDER"}, "errors": []}
    assert f"seat count of spa {glow.pk} not sent to Stripe" in caplog.text
    assert _remote_quantity(stripe_api, paying_glow) == 1

    # the daily reconcile sends it
    settings.STRIPE_API_BASE = localstripe.url
    call_command("billing_reconcile")

    assert _remote_quantity(stripe_api, paying_glow) == 2
    paying_glow.refresh_from_db()
    assert paying_glow.seats == 2
