"""Writing the platform audit log (`ConsoleAuditEntry`).

Every console view that changes something calls `console_audit` inside the
transaction of the change, so the entry and the change commit together or not
at all. Sign-in attempts are written on their own (a refused one changes nothing
else).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.http import client_ip
from shared_apps.console.models import ConsoleAuditEntry
from tenants.models import Spa


def console_audit(
    *,
    request: HttpRequest,
    action: str,
    spa: Spa | None = None,
    reason: str = "",
    detail: dict[str, Any] | None = None,
    actor_email: str | None = None,
) -> ConsoleAuditEntry:
    """Append one entry: the signed-in staff member (or `actor_email` for a
    refused sign-in), the action, the spa, the reason, what exactly, the address."""
    user = getattr(request, "user", None)
    signed_in = user if user is not None and user.is_authenticated else None
    return ConsoleAuditEntry.objects.create(
        actor_id=signed_in.pk if signed_in else None,
        actor_email=(signed_in.email if signed_in else (actor_email or ""))[:254],
        action=action,
        spa_id=spa.pk if spa is not None else None,
        spa_slug=spa.slug if spa is not None else "",
        reason=reason[:500],
        detail=detail or {},
        ip=client_ip(request),
        request_id=getattr(request, "request_id", "")[:64],
    )
