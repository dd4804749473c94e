"""Impersonating a spa member for support. To be built."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tenants.models import Spa


def impersonation_context(request: HttpRequest, spa: Spa) -> dict[str, Any]:
    """What the spa page's impersonation panel (console/_spa_impersonation.html) needs."""
    return {}
