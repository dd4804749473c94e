"""Provisioning's periodic job (Procrastinate; docs/adr/0009-jobs-procrastinate.md).
The command stays for operators: `manage.py spa spares`."""

from __future__ import annotations

from django.conf import settings
from procrastinate.contrib.django import app

from tenants.citus import citus_enabled, spare_schemas_fill


@app.periodic(cron="*/5 * * * *", periodic_id="spa_spares")
@app.task(name="lifecycle.spares", queue="platform", queueing_lock="lifecycle.spares")
def spa_spares_keep(timestamp: int) -> int:
    """Every 5 minutes, on a Citus coordinator: keep SPA_CITUS_SPARES spare
    distributed schemas ready for new spas (tenants/citus.py). Nothing elsewhere.
    Returns how many it made."""
    if not citus_enabled():
        return 0
    return spare_schemas_fill(settings.SPA_CITUS_SPARES).made
