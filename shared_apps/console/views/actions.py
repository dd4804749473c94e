"""Actions on one spa (suspend, reactivate, change plan, domains, owner
invitation) and provisioning a new spa. To be built."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tenants.models import Spa


def actions_context(request: HttpRequest, spa: Spa) -> dict[str, Any]:
    """What the spa page's actions panel (console/_spa_actions.html) needs."""
    return {}
