"""Plans: list them, define or change one, push them to Stripe.

manage.py billing_plan list
manage.py billing_plan set growth --name Growth --monthly-price-cents 29900 \\
    --included-seats 5 --extra-seat-cents 3900 --trial-days 14 --max-locations 3
manage.py billing_plan set starter --inactive     # no longer offered
manage.py billing_plan sync                       # products and prices in Stripe
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.billing.models import Plan
from shared_apps.billing.plans import plan_save, plans_sync
from shared_apps.billing.stripe_gateway import BillingProviderError


class Command(BaseCommand):
    help = "List, define and sync billing plans (Stripe products and prices)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Every plan, with its Stripe ids.")
        sub.add_parser("sync", help="Create or update every plan's Stripe product and price.")
        define = sub.add_parser("set", help="Create a plan or change some of its fields.")
        define.add_argument("code")
        define.add_argument("--name")
        define.add_argument("--currency")
        define.add_argument("--monthly-price-cents", type=int)
        define.add_argument("--included-seats", type=int, dest="included_provider_seats")
        define.add_argument("--extra-seat-cents", type=int, dest="extra_seat_price_cents")
        define.add_argument("--trial-days", type=int)
        define.add_argument("--max-locations", type=int, help="0 for unlimited")
        define.add_argument("--display-order", type=int)
        state = define.add_mutually_exclusive_group()
        state.add_argument("--active", action="store_true", default=None)
        state.add_argument("--inactive", action="store_false", dest="active")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")(**options)

    def _list(self, **_: Any) -> None:
        for plan in Plan.objects.all():
            state = "offered" if plan.active else "retired"
            self.stdout.write(
                f"{plan.code:<12} {plan.name:<16} {plan.monthly_price_cents:>7} "
                f"{plan.currency} / {plan.included_provider_seats} seats "
                f"+{plan.extra_seat_price_cents}  {state:<8} "
                f"{plan.stripe_price_id or '(not synced)'}"
            )

    def _set(self, *, code: str, **options: Any) -> None:
        fields = {
            name: options[name]
            for name in (
                "name",
                "currency",
                "monthly_price_cents",
                "included_provider_seats",
                "extra_seat_price_cents",
                "trial_days",
                "max_locations",
                "display_order",
                "active",
            )
            if options.get(name) is not None
        }
        if fields.get("max_locations") == 0:
            fields["max_locations"] = None
        try:
            plan = plan_save(code=code, **fields)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"{plan.code} saved; run `billing_plan sync`."))

    def _sync(self, **_: Any) -> None:
        try:
            synced = plans_sync()
        except BillingProviderError as exc:
            raise CommandError(f"Stripe: {exc}") from None
        for result in synced:
            note = "new price" if result.price_created else "unchanged"
            if result.retired_price_id:
                note += f", retired {result.retired_price_id}"
            self.stdout.write(f"{result.code:<12} {result.product_id} {result.price_id} ({note})")
        self.stdout.write(self.style.SUCCESS(f"{len(synced)} plan(s) synced."))
