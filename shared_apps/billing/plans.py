"""Plans: defining them, and pushing them to Stripe (`manage.py billing_plan`).

Each plan is one Stripe product (id `medspa_<code>`) with one current monthly
price. A Stripe price's amounts cannot change, so the price id names the
amounts (`medspa_<code>_<currency>_<cents>_<seats>x<extra cents>`): a sync
makes a new price when they change, deactivates the old one (subscribers keep
it until they change plan), and is a no-op when nothing changed. Ids are
chosen, not generated, so a sync that dies half-way is finished by a re-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from core.updates import apply_changes
from shared_apps.billing import stripe_gateway
from shared_apps.billing.models import Plan


def plan_product_id(plan: Plan) -> str:
    return f"medspa_{plan.code}"


def plan_price_id(plan: Plan) -> str:
    return (
        f"medspa_{plan.code}_{plan.currency}_{plan.monthly_price_cents}"
        f"_{plan.included_provider_seats}x{plan.extra_seat_price_cents}"
    )


PLAN_FIELDS = (
    "name",
    "currency",
    "monthly_price_cents",
    "included_provider_seats",
    "extra_seat_price_cents",
    "trial_days",
    "max_locations",
    "active",
    "display_order",
)


def plan_save(*, code: str, **fields: Any) -> Plan:
    """Create the plan `code` or change the fields given. Run `plan_sync` after a
    change of name or amounts, so Stripe sells what the platform shows."""
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise ValueError(f"unknown plan fields: {', '.join(sorted(unknown))}")
    code = (code or "").strip().lower()
    with transaction.atomic():
        plan = Plan.objects.select_for_update().filter(code=code).first() or Plan(code=code)
        apply_changes(plan, fields)
        if isinstance(plan.currency, str):
            plan.currency = plan.currency.lower()
        plan.full_clean()
        plan.save()
    return plan


@dataclass(frozen=True)
class PlanSync:
    code: str
    product_id: str
    price_id: str
    price_created: bool
    retired_price_id: str | None


def plan_sync(*, plan: Plan) -> PlanSync:
    """Create or update the plan's Stripe product and price, and store their ids.
    Raises BillingProviderError if Stripe cannot be reached."""
    if plan.pk is None:
        raise ValidationError("Save the plan before syncing it.")
    metadata = {"plan_code": plan.code}
    product_id = stripe_gateway.product_upsert(
        product_id=plan_product_id(plan), name=plan.name, active=plan.active, metadata=metadata
    )
    price_id = plan_price_id(plan)
    created = stripe_gateway.plan_price_ensure(
        price_id=price_id,
        product_id=product_id,
        currency=plan.currency,
        flat_cents=plan.monthly_price_cents,
        included_units=plan.included_provider_seats,
        unit_cents=plan.extra_seat_price_cents,
        metadata=metadata,
    )
    retired = plan.stripe_price_id if plan.stripe_price_id not in ("", price_id) else None
    if retired:
        stripe_gateway.price_deactivate(price_id=retired)
    Plan.objects.filter(pk=plan.pk).update(stripe_product_id=product_id, stripe_price_id=price_id)
    plan.stripe_product_id, plan.stripe_price_id = product_id, price_id
    return PlanSync(
        code=plan.code,
        product_id=product_id,
        price_id=price_id,
        price_created=created,
        retired_price_id=retired,
    )


def plans_sync() -> list[PlanSync]:
    """Sync every plan, offered or not (a retired plan's product is deactivated)."""
    return [plan_sync(plan=plan) for plan in Plan.objects.order_by("code")]
