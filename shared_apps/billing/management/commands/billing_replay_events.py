"""Run stored Stripe events again: the ones that failed (by default), also the
ones that matched no spa (--include-unmatched), or the ones named.

manage.py billing_replay_events
manage.py billing_replay_events --include-unmatched
manage.py billing_replay_events --event evt_123 --event evt_456
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_apps.billing.models import StripeEventStatus
from shared_apps.billing.reconcile import stripe_events_replay


class Command(BaseCommand):
    help = "Re-process stored Stripe events that failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", action="append", dest="events", default=None)
        parser.add_argument("--include-unmatched", action="store_true")

    def handle(self, *args: Any, events: list[str] | None, include_unmatched: bool, **_: Any):
        receipts = stripe_events_replay(event_ids=events, include_unmatched=include_unmatched)
        for receipt in receipts:
            note = " (already applied)" if receipt.duplicate else ""
            self.stdout.write(f"{receipt.event_id:<32} {receipt.status}{note} {receipt.error}")
        failed = [r.event_id for r in receipts if r.status == StripeEventStatus.FAILED]
        self.stdout.write(f"{len(receipts)} event(s) replayed, {len(failed)} failed.")
        if failed:
            raise CommandError(f"still failing: {', '.join(failed)}")
