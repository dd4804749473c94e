"""GraphQL errors with a machine-readable `extensions.code`.

Clients branch on the code, never on the message. Errors without one get a code
here too, and anything unexpected is reported as INTERNAL_ERROR with a fixed
message: exception text can carry patient data or internals and never leaves
the server.
"""

from __future__ import annotations

import logging
from typing import Any

import sentry_sdk
from graphql import GraphQLError, GraphQLSyntaxError

logger = logging.getLogger("graphql.errors")


def coded_error(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def format_error(error: Exception) -> dict[str, Any]:
    if not isinstance(error, GraphQLError):
        return {"message": str(error), "extensions": {"code": "BAD_REQUEST"}}
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        # Only the type and the path are logged: the message may hold PHI. Sentry
        # gets the exception, scrubbed (core/observability/sentry.py).
        logger.error(
            "unhandled %s in resolver at %s", type(original).__name__, error.path, exc_info=False
        )
        sentry_sdk.capture_exception(original)
        formatted: dict[str, Any] = {
            "message": "Internal server error.",
            "extensions": {"code": "INTERNAL_ERROR"},
        }
        if error.path:
            formatted["path"] = error.path
        return formatted
    formatted = dict(error.formatted)
    extensions = dict(formatted.get("extensions") or {})
    if "code" not in extensions:
        if isinstance(error, GraphQLSyntaxError):
            extensions["code"] = "GRAPHQL_PARSE_FAILED"
        elif not error.path:
            extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
        else:
            extensions["code"] = "BAD_REQUEST"
    formatted["extensions"] = extensions
    return formatted


class RequestRefusal(Exception):
    """Raised before execution (a rate limit, a suspended spa): the endpoint
    answers it with `status` and one error carrying `code`, and runs nothing."""

    def __init__(
        self, *, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}
