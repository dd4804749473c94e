"""Spas for console list tests, made cheaply: public-schema rows only (a `Spa`,
its domain, subscription, usage, members' tokens), no schema. The list and
the figures never read a spa's schema, so they need none."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.utils import timezone

from shared_apps.accounts.models import ApiToken, Membership
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.console.models import SpaUsage
from tenants.models import Domain, Spa, SpaStatus
from tests.factories import MembershipFactory


def spa_make(
    slug: str,
    *,
    name: str | None = None,
    status: str = SpaStatus.ACTIVE,
    plan: str | None = None,
    seats: int = 1,
    subscription_status: str = SubscriptionStatus.ACTIVE,
    created_at: dt.datetime | None = None,
    owner_email: str | None = None,
    usage: dict[str, Any] | None = None,
    last_used_at: dt.datetime | None = None,
) -> Spa:
    """A spa row (no schema) with its platform domain; with `plan`, a
    subscription; with `usage`, its SpaUsage; with `last_used_at`, a member
    whose token was last used then."""
    spa = Spa.objects.create(
        slug=slug,
        name=name or slug.replace("-", " ").title(),
        schema_name="spa_" + slug.replace("-", "_"),
        timezone="America/New_York",
        status=status,
        owner_email=owner_email or f"owner@{slug}.example",
    )
    if created_at is not None:
        Spa.objects.filter(pk=spa.pk).update(created_at=created_at)
        spa.refresh_from_db()
    Domain.objects.create(
        domain=f"{slug}.medspa.test", tenant=spa, is_primary=True, verified_at=timezone.now()
    )
    if plan is not None:
        Subscription.objects.create(
            spa=spa, plan=Plan.objects.get(code=plan), status=subscription_status, seats=seats
        )
    if usage is not None:
        SpaUsage.objects.create(spa=spa, computed_at=timezone.now(), **usage)
    if last_used_at is not None:
        membership: Membership = MembershipFactory.create(spa=spa)
        ApiToken.objects.create(
            membership=membership,
            token_hash=secrets.token_hex(32),
            expires_at=timezone.now() + dt.timedelta(days=30),
            last_used_at=last_used_at,
        )
    return spa
