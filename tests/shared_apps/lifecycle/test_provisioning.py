"""Provisioning as the product does it: tenancy, then the owner and the trial,
in the transaction that opens the spa (shared_apps/lifecycle/services.py)."""

import pytest

from shared_apps.accounts.models import Membership, Role
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.lifecycle.services import spa_provision, spa_provision_resume
from tenants import provisioning
from tenants.models import Spa, SpaStatus

pytestmark = pytest.mark.usefixtures("committing")

ARGS = {"name": "Lumen Skin", "timezone_name": "America/Chicago"}


def test_a_spa_opens_with_its_owner_and_the_plans_trial(mailoutbox):
    plan = Plan.objects.filter(active=True).order_by("pk").first()
    opened = []

    spa = spa_provision(
        slug="lumen",
        owner_email="owner@lumen.example",
        status=SpaStatus.TRIALING,
        **ARGS,
        trial_plan=plan,
        on_open=lambda spa: opened.append(
            (
                Membership.objects.filter(spa=spa).count(),
                Subscription.objects.filter(spa=spa).count(),
            )
        ),
    )

    owner = Membership.objects.select_related("user").get(spa=spa)
    subscription = Subscription.objects.get(spa=spa)
    assert (spa.status, owner.role, owner.user.email) == (
        "trialing",
        Role.OWNER,
        "owner@lumen.example",
    )
    assert (subscription.plan, subscription.status) == (plan, SubscriptionStatus.TRIALING)
    assert opened == [(1, 1)]  # the caller's own work runs after the owner and the trial
    assert len(mailoutbox) == 1  # the owner's welcome link


def test_tenancy_alone_knows_no_people_and_resuming_adds_them(mailoutbox):
    def crash(spa):
        raise RuntimeError("the opening failed")

    with pytest.raises(RuntimeError):
        provisioning.spa_provision(
            slug="lumen", owner_email="owner@lumen.example", on_open=crash, **ARGS
        )
    left = Spa.objects.get(slug="lumen")
    assert left.status == SpaStatus.PROVISIONING
    assert not Membership.objects.filter(spa=left).exists()

    spa = spa_provision_resume(spa=left)

    assert spa.status == SpaStatus.ACTIVE
    assert Membership.objects.get(spa=spa).role == Role.OWNER
    assert not Subscription.objects.filter(spa=spa).exists()  # no plan asked for
