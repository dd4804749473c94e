"""Billing's periodic jobs (Procrastinate; docs/adr/0009-jobs-procrastinate.md).
The commands stay for operators: `manage.py billing_enforce`, `billing_reconcile`."""

from __future__ import annotations

import logging

from procrastinate.contrib.django import app

from shared_apps.billing.dunning import billing_enforce
from shared_apps.billing.reconcile import subscriptions_reconcile

logger = logging.getLogger(__name__)


@app.periodic(cron="7 * * * *", periodic_id="billing_enforce")
@app.task(name="billing.enforce", queue="platform", queueing_lock="billing.enforce")
def billing_enforce_hourly(timestamp: int) -> int:
    """Hourly: spas past their grace period or trial become read-only."""
    report = billing_enforce(close_expired=False)
    return len(report.changed)


@app.periodic(cron="23 4 * * *", periodic_id="billing_reconcile")
@app.task(name="billing.reconcile", queue="platform", queueing_lock="billing.reconcile")
def billing_reconcile_daily(timestamp: int) -> int:
    """Daily: every subscription and its invoices re-read from Stripe."""
    results = subscriptions_reconcile()
    failed = [r.slug for r in results if r.outcome == "failed"]
    if failed:
        logger.warning("reconcile failed for some spas", extra={"spas": failed})
    return len(results)
