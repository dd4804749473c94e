"""Bring every spa's subscription in line with Stripe (for missed webhooks),
backfill its invoices into the mirror, and push seat counts that did not reach
Stripe. Safe to run at any time; run it daily from the scheduler
(platform/RUNBOOK.md)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from shared_apps.billing.reconcile import Reconciled, subscriptions_reconcile


def _invoices(added: int, updated: int) -> str:
    return f"invoices: {added} added, {updated} updated"


def _line(result: Reconciled) -> str:
    detail = [result.detail] if result.detail else []
    if result.invoices_added or result.invoices_updated:
        detail.append(_invoices(result.invoices_added, result.invoices_updated))
    return f"{result.slug:<24} {result.outcome:<16} {'; '.join(detail)}".rstrip()


class Command(BaseCommand):
    help = "Re-read every spa's subscription and invoices from Stripe and apply them."

    def handle(self, *args: Any, **options: Any) -> None:
        results = subscriptions_reconcile()
        failed = [r for r in results if r.outcome == "failed"]
        for result in results:
            invoices_changed = result.invoices_added or result.invoices_updated
            if result.outcome != "unchanged" or invoices_changed or options["verbosity"] > 1:
                self.stdout.write(_line(result))
        self.stdout.write(f"{len(results)} subscription(s) checked, {len(failed)} failed.")
        added = sum(r.invoices_added for r in results)
        updated = sum(r.invoices_updated for r in results)
        self.stdout.write(f"{_invoices(added, updated)}.")
        if failed:
            raise CommandError(f"could not reconcile: {', '.join(r.slug for r in failed)}")
