"""Bring every spa's subscription in line with Stripe (for missed webhooks), and
push seat counts that did not reach Stripe. Safe to run at any time; run it
daily from the scheduler (platform/RUNBOOK.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shared_apps.billing.reconcile import subscriptions_reconcile


class Command(BaseCommand):
    help = "Re-read every spa's subscription from Stripe and apply it."

    def handle(self, *args: Any, **options: Any) -> None:
        results = subscriptions_reconcile()
        failed = [r for r in results if r.outcome == "failed"]
        for result in results:
            if result.outcome != "unchanged" or options["verbosity"] > 1:
                self.stdout.write(f"{result.slug:<24} {result.outcome:<16} {result.detail}")
        self.stdout.write(f"{len(results)} subscription(s) checked, {len(failed)} failed.")
        if failed:
            raise CommandError(f"could not reconcile: {', '.join(r.slug for r in failed)}")
