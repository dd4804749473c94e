"""Routing: the first middleware. Host -> spa -> schema and URL conf, or a refusal."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import split_domain_port
from django.utils.html import escape
from django_tenants.middleware.main import TenantMainMiddleware

from tenants.db import connection
from tenants.models import SpaStatus
from tenants.routing import directory
from tenants.validators import platform_hosts

# Paths whose clients expect JSON errors rather than a page.
API_PATH_PREFIXES = ("/graphql", "/booking/graphql")
# Pages people open in a browser (the patients' booking pages): a small HTML page.
PAGE_PATH_PREFIXES = ("/booking/", "/app/")
_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{message}</title></head><body><h1>{message}</h1></body></html>"
)


def error_response(request: HttpRequest, *, status: int, code: str, message: str) -> HttpResponse:
    """A refusal in the shape API clients parse (GraphQL's `errors`), a small
    page for the patients' pages, or plain text."""
    if request.path.startswith(API_PATH_PREFIXES):
        body: dict[str, Any] = {"errors": [{"message": message, "extensions": {"code": code}}]}
        return JsonResponse(body, status=status)
    if request.path.startswith(PAGE_PATH_PREFIXES):
        # Sent before the security middleware runs: the page's own headers.
        page = HttpResponse(
            _PAGE.format(message=escape(message)),
            status=status,
            content_type="text/html; charset=utf-8",
        )
        page["Content-Security-Policy"] = (
            "default-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        )
        page["Referrer-Policy"] = "no-referrer"
        page["X-Content-Type-Options"] = "nosniff"
        return page
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class SpaRoutingMiddleware(TenantMainMiddleware):
    """Maps the request's host to a spa (docs/ARCHITECTURE.md section 3).

    - ROOT_DOMAIN and www.ROOT_DOMAIN: public schema, public URL conf, `request.spa = None`.
    - a verified domain of a spa: that spa's schema, the tenant URL conf, `request.spa`.
    - anything else: 404, before any other code runs.
    The spa's status gates the request: provisioning 503, closed 410; suspended spas
    are read-only, which the GraphQL view enforces per operation.
    """

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        # Choosing a schema sends nothing: the first query sets search_path, and
        # only when the connection's session lacks it (tenants/postgresql_backend),
        # so a warm request for the spa the connection last served sends no SET.
        connection.set_schema_to_public()
        try:
            host = self.hostname_from_request(request)
        except DisallowedHost:
            return self._not_found(request)

        if host in platform_hosts():
            request.spa = None  # type: ignore[attr-defined]
            request.tenant = connection.tenant  # type: ignore[attr-defined]
            self.setup_url_routing(request, force_public=True)
            return None

        spa = directory.spa_for_host(host)
        if spa is None:
            return self._not_found(request)
        if spa.status == SpaStatus.PROVISIONING:
            response = error_response(
                request,
                status=503,
                code="SPA_PROVISIONING",
                message="This spa is being set up. Try again in a moment.",
            )
            response["Retry-After"] = "5"
            return response
        if spa.status == SpaStatus.CLOSED:
            return error_response(
                request, status=410, code="SPA_CLOSED", message="This spa has closed."
            )

        request.spa = spa  # type: ignore[attr-defined]
        request.tenant = spa  # type: ignore[attr-defined]
        connection.set_tenant(spa)
        self.setup_url_routing(request)
        return None

    @staticmethod
    def hostname_from_request(request: HttpRequest) -> str:
        # get_host() validates the Host header's syntax (DisallowedHost otherwise);
        # split_domain_port lowercases and drops the port and a trailing dot.
        # A www. prefix is kept: the routing directory tries the exact host first.
        host, _port = split_domain_port(request.get_host())
        return host

    @staticmethod
    def _not_found(request: HttpRequest) -> HttpResponse:
        # The host is not echoed back: nothing reflected, nothing enumerated.
        return error_response(
            request, status=404, code="SPA_NOT_FOUND", message="There is no spa at this address."
        )
