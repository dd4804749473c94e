"""Signup's rate limit per client address (django-ratelimit, default cache).

Checked by the public GraphQL view before anything runs (`before_execution`):
each `signUp` field counts, aliases included; past the limit the request is
refused whole with 429 RATE_LIMITED and Retry-After.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage

from core.graphql.errors import RequestRefusal


def signup_throttle(request: HttpRequest, fields: list[str]) -> None:
    for name in fields:
        if name != "signUp":
            continue
        usage = get_usage(
            request, group="signup:ip", key="ip", rate=settings.SIGNUP_RATE_PER_IP, increment=True
        )
        if usage is not None and usage["should_limit"]:
            raise RequestRefusal(
                status=429,
                code="RATE_LIMITED",
                message="Too many signups from this address. Try again later.",
                headers={"Retry-After": str(max(int(usage["time_left"]), 1))},
            )
