"""Sentry, hardened so patient data never leaves the server.

sentry-sdk's defaults are not enough for PHI: with `send_default_pii` off it
still sends request bodies, frame local variables and exception messages. Here:

- no request bodies, no local variables, no cookies, no query strings, and only
  a few harmless headers;
- `data_collection` turning every category about people off or to an allowlist;
- the SDK's EventScrubber, its denylist extended with our PHI field names,
  applied recursively (run in our hooks: the SDK skips it under data_collection);
- `before_send` / `before_send_transaction` that strip what is left: exception
  messages replaced (the type stays, and for a database error its SQLSTATE and
  constraint name), log messages sent as their template only, breadcrumb and
  span data dropped;
- events are tagged with the spa (slug, schema), the user id (never an email or
  a name) and the request id, read from the request when the event is made.
Off when SENTRY_DSN is unset.
"""

from __future__ import annotations

from typing import Any, cast

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration
from sentry_sdk.scrubber import DEFAULT_DENYLIST, DEFAULT_PII_DENYLIST, EventScrubber
from sentry_sdk.types import Event, Hint

from core.observability.redaction import scrub_text

# Field names that hold patient (or staff) data anywhere in our payloads.
PHI_DENYLIST = [
    "name",
    "first_name",
    "last_name",
    "preferred_name",
    "full_name",
    "email",
    "phone",
    "date_of_birth",
    "dob",
    "birth_date",
    "address",
    "street",
    "city",
    "postal_code",
    "zip",
    "allergies",
    "medications",
    "conditions",
    "medical_conditions",
    "notes",
    "note",
    "tags",
    "query",
    "variables",
    "operationName",
    "new_password",
    "current_password",
    "uid",
    "contact_email",
    "contact_phone",
]
SAFE_HEADERS = frozenset({"Content-Type", "Content-Length", "User-Agent", "Host", "X-Request-Id"})
ALLOWED_HEADER_TERMS = [header.lower() for header in sorted(SAFE_HEADERS)]


def _scrub_request(event: dict[str, Any]) -> None:
    request = event.get("request")
    if not isinstance(request, dict):
        return
    for key in ("data", "cookies", "query_string", "env"):
        request.pop(key, None)
    if "url" in request:
        request["url"] = str(request["url"]).split("?", 1)[0]
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {k: v for k, v in headers.items() if k in SAFE_HEADERS}


def _database_facts(hint: Hint) -> str:
    """What a database error says without values: its SQLSTATE and constraint."""
    error = (hint.get("exc_info") or (None, None, None))[1]
    for candidate in (error, getattr(error, "__cause__", None)):
        diag = getattr(candidate, "diag", None)
        if diag is not None and getattr(diag, "sqlstate", None):
            constraint = f" constraint={diag.constraint_name}" if diag.constraint_name else ""
            return f" sqlstate={diag.sqlstate}{constraint}"
    return ""


def _scrub_exceptions(event: dict[str, Any], hint: Hint) -> None:
    # An exception's message is free text that may quote anything (a name, a
    # DETAIL line): only its type (in "type") and value-free facts are sent.
    facts = _database_facts(hint)
    for exception in (event.get("exception") or {}).get("values") or []:
        if "value" in exception:
            exception["value"] = "[redacted]" + facts
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)


def _scrub_messages(event: dict[str, Any]) -> None:
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        # The template ("unhandled %s in resolver at %s"), never its arguments.
        logentry.pop("params", None)
        logentry.pop("formatted", None)
        if logentry.get("message"):
            logentry["message"] = scrub_text(str(logentry["message"]))
    if isinstance(event.get("message"), str):
        event["message"] = scrub_text(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    values = breadcrumbs.get("values") if isinstance(breadcrumbs, dict) else breadcrumbs
    for crumb in values or []:
        crumb.pop("data", None)
        if crumb.get("message"):
            crumb["message"] = scrub_text(str(crumb["message"]))
    event.pop("extra", None)


# The SDK ignores its `event_scrubber` option once `data_collection` is set, so
# the scrubber (its denylist extended with our PHI names) runs in our hooks.
SCRUBBER = EventScrubber(
    denylist=[*DEFAULT_DENYLIST, *PHI_DENYLIST], pii_denylist=DEFAULT_PII_DENYLIST, recursive=True
)


def before_send(event: Event, hint: Hint) -> Event:
    SCRUBBER.scrub_event(event)
    data = cast(dict[str, Any], event)
    _scrub_request(data)
    _scrub_exceptions(data, hint)
    _scrub_messages(data)
    return event


def before_send_transaction(event: Event, hint: Hint) -> Event:
    SCRUBBER.scrub_event(event)
    data = cast(dict[str, Any], event)
    _scrub_request(data)
    _scrub_messages(data)
    for span in data.get("spans") or []:
        span.pop("data", None)
        if span.get("description"):
            span["description"] = scrub_text(str(span["description"]))
    return event


def init_sentry(
    *,
    dsn: str,
    environment: str,
    release: str | None,
    traces_sample_rate: float,
    transport: Any = None,
) -> None:
    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        traces_sample_rate=traces_sample_rate,
        # Collect nothing about people by default (supersedes send_default_pii).
        data_collection={
            "user_info": False,
            "cookies": {"mode": "off"},
            "http_headers": {"request": {"mode": "allowlist", "terms": ALLOWED_HEADER_TERMS}},
            "http_bodies": [],
            "url_query_params": {"mode": "off"},
            "graphql": {"document": False, "variables": False},
            "gen_ai": {"inputs": False, "outputs": False},
            "database_query_data": False,
            "queues": False,
            "stack_frame_variables": False,
            "frame_context_lines": 0,
        },
        max_request_body_size="never",
        include_local_variables=False,
        include_source_context=False,
        before_send=before_send,
        before_send_transaction=before_send_transaction,
        integrations=[DjangoIntegration(), LoggingIntegration()],
        **options,
    )


def tag_events_of(request: Any) -> None:
    """Tag everything Sentry sends during this request (errors and the
    transaction) with its id, spa and user id, read when the event is made:
    routing and authentication run after this is set up."""
    if not sentry_sdk.is_initialized():
        return  # without Sentry there is no per-request scope to attach to
    scope = sentry_sdk.get_isolation_scope()
    scope.set_tag("request_id", request.request_id)

    def tag(event: Event, hint: Hint) -> Event:
        tags = event.setdefault("tags", {})
        spa = getattr(request, "spa", None)
        if spa is not None:
            tags["spa"] = spa.slug
            tags["spa_schema"] = spa.schema_name
        membership = getattr(request, "membership", None)
        if membership is not None:
            event["user"] = {"id": str(membership.user_id)}  # never an email or a name
        return event

    scope.add_event_processor(tag)
