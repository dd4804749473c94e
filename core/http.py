"""Small request helpers shared by the apps."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address as the project trusts it: settings.CLIENT_IP_HEADER
    (set by the proxy in front, e.g. Fly-Client-IP), else the socket's."""
    for key in (settings.CLIENT_IP_HEADER, "REMOTE_ADDR"):
        value = (request.META.get(key) or "").split(",")[0].strip()
        try:
            return str(ipaddress.ip_address(value))
        except ValueError:
            continue
    return None


class DatabaseUnavailableMiddleware:
    """A page whose view met a database that does not answer (on Citus, the
    worker holding the spa down; a lost connection; a statement timeout) is 503
    with Retry-After, not 500: nothing is wrong with the request, and it may be
    retried. The GraphQL endpoint says the same in its own format
    (`DATABASE_UNAVAILABLE`, core/graphql/view.py)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError):
            return None
        logger.warning("database unavailable during %s %s", request.method, request.path)
        response = HttpResponse(
            "This page is unavailable for a moment. Try again shortly.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = "30"
        return response
