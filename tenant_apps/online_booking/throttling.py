"""Rate limits of the public booking API, per spa and client address.

Checked by the GraphQL view once a document is valid and before anything runs
(`before_execution`): every root field the operation selects counts once
against its group's limit (aliases count one by one), and the first group over
its limit refuses the whole request with 429 RATE_LIMITED and Retry-After.
The client address is the one the project trusts (settings.CLIENT_IP_HEADER,
through RATELIMIT_IP_META_KEY); counters live in the default cache.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from core.graphql.errors import RequestRefusal

# The group of each root field; settings.BOOKING_RATES gives each group's rate.
# Anything else (introspection, where it is on) counts as browsing.
FIELD_GROUPS = {
    "spa": "browse",
    "locations": "browse",
    "services": "browse",
    "availability": "availability",
    "book": "book",
    "appointment": "manage",
    "cancel": "manage",
    "reschedule": "manage",
    "joinWaitlist": "book",
    "claimWaitlistOffer": "manage",
    # Patients' forms links (tenant_apps/forms/graphql/patient.py).
    "formRequest": "forms",
    "submitFormResponse": "forms",
}


def booking_throttle(request: HttpRequest, fields: list[str]) -> None:
    """Count the request's root fields; RequestRefusal(429) past a limit."""
    spa = getattr(request, "spa", None)
    scope = spa.schema_name if spa is not None else "public"
    for name in fields:
        group = FIELD_GROUPS.get(name, "browse")
        usage = get_usage(
            request,
            group=f"booking:{group}:{scope}",
            key="ip",
            rate=settings.BOOKING_RATES[group],
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            raise RequestRefusal(
                status=429,
                code="RATE_LIMITED",
                message="Too many requests from this address. Try again shortly.",
                headers={"Retry-After": str(max(int(usage["time_left"]), 1))},
            )
