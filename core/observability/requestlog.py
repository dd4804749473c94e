"""One JSON line per request, and the request id.

Fields: request_id, method, path (no query string), host kind, spa, user_id,
operation (GraphQL operation name), status, duration_ms, sql_queries. No
bodies, query strings, tokens or PHI. What the client chose (the method, the
path) is logged bounded and escaped (`client_text`): a line break, a NUL or a
megabyte in a URL cannot forge, break or bloat a log line. The request id comes from a well-formed
X-Request-ID header (a proxy's) or is made here, and is returned in the response
header of the same name. Placed first in the middleware chain, so the line
covers routing and authentication too.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.db import connection
from django.http import HttpRequest, HttpResponse

from core.observability.sentry import tag_events_of

logger = logging.getLogger("medspa.request")

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_GRAPHQL_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,99}$")
_METHOD = re.compile(r"^[A-Z]{1,16}$")
# The longest path logged whole; a longer one is cut and marked.
MAX_LOGGED_PATH = 256
# What a path may hold unescaped (RFC 3986 pchar and "/"), "%" included so an
# escape already in the path stays readable.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def client_text(path: str) -> str:
    """A client-supplied path as it may be logged: percent-escaped outside the
    characters a URL path holds (control characters, spaces, anything not ASCII)
    and at most MAX_LOGGED_PATH characters, cut with a trailing "..."."""
    escaped = quote(path, safe=_PATH_SAFE, errors="backslashreplace")
    if len(escaped) > MAX_LOGGED_PATH:
        return escaped[: MAX_LOGGED_PATH - 3] + "..."
    return escaped


def safe_operation_name(name: Any) -> str | None:
    """A GraphQL operation name as the spec defines names, or None (never free text)."""
    return name if isinstance(name, str) and _GRAPHQL_NAME.match(name) else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        tag_events_of(request)
        counter = _QueryCounter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id

        spa = getattr(request, "spa", None)
        membership = getattr(request, "membership", None)
        user_id = membership.user_id if membership is not None else None
        # A support session from the console: the platform staff member's user id
        # (an id, like user_id: emails stay out of the logs).
        impersonator = getattr(request, "impersonated_by", None)
        logger.info(
            "request",
            extra={
                "request_id": request_id,
                "method": request.method if _METHOD.match(request.method or "") else "OTHER",
                "path": client_text(request.path),
                "spa": spa.slug if spa is not None else None,
                "user_id": user_id,
                "impersonated_by": impersonator.pk if impersonator is not None else None,
                "operation": getattr(request, "graphql_operation", None),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "sql_queries": counter.count,
            },
        )
        return response


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.count += 1
        return execute(sql, params, many, context)
