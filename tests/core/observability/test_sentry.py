"""Sentry gets errors tagged with the spa, and never a patient's data.

Requests go through Django's real WSGI handler (the whole middleware chain) with
Sentry initialised on a recording transport; every envelope is searched for
marker values planted in bodies, query strings, a validation error and a
database error."""

import json

import pytest
import sentry_sdk
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test.client import RequestFactory
from sentry_sdk.transport import Transport

from core.observability.redaction import scrub_text
from core.observability.sentry import init_sentry

MARKERS = [
    "Zelda Markerly",
    "zelda.markerly@phi.example",
    "1961-07-04",
    "555-0199-77",
    "peanut-anaphylaxis",
]


class RecordingTransport(Transport):
    def __init__(self) -> None:
        super().__init__(options=None)
        self.envelopes: list[bytes] = []

    def capture_envelope(self, envelope) -> None:
        self.envelopes.append(envelope.serialize())


@pytest.fixture(params=[0.0, 1.0], ids=["errors only", "with traces"])
def sentry_envelopes(request):
    transport = RecordingTransport()
    init_sentry(
        dsn="https://public@sentry.invalid/1",
        environment="test",
        release="test",
        traces_sample_rate=request.param,
        transport=transport,
    )
    yield transport.envelopes
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # off again


class EnvironFactory(RequestFactory):
    """Builds the WSGI environ a server would hand Django."""

    def request(self, **request):
        return self._base_environ(**request)


def call_wsgi(environ) -> tuple[str, bytes]:
    # Like Django's test client: keep the test's connection (and transaction)
    # open across the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        status: list[str] = []

        def start_response(code, headers, exc_info=None):
            status.append(code)
            return lambda data: None

        body = b"".join(WSGIHandler()(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return status[0], body


def graphql_environ(host, query, variables, query_string=""):
    environ = EnvironFactory().post(
        "/graphql/" + query_string,
        data=json.dumps({"query": query, "variables": variables}),
        content_type="application/json",
        HTTP_HOST=host,
        HTTP_COOKIE=f"sessionid={MARKERS[0]}",
        HTTP_X_PATIENT=MARKERS[2],
    )
    return environ


@pytest.mark.urls("tests.tenants.mutation_urls")
def test_no_phi_reaches_sentry_and_the_spa_tag_does(glow, sentry_envelopes):
    host = "glow.medspa.test"
    query_string = "?patient=" + MARKERS[0].replace(" ", "+") + "&dob=" + MARKERS[2]
    # an unexpected error whose message carries patient data
    status, body = call_wsgi(
        graphql_environ(host, "mutation { explode { ok } }", {"note": MARKERS[4]}, query_string)
    )
    assert status.startswith("200")
    assert b"INTERNAL_ERROR" in body and MARKERS[0].encode() not in body
    # a database error whose DETAIL names the value
    status, body = call_wsgi(
        graphql_environ(
            host,
            "mutation E($email: String!) { explodeInDatabase(email: $email) { ok } }",
            {"email": MARKERS[1]},
        )
    )
    assert b"INTERNAL_ERROR" in body and MARKERS[1].encode() not in body
    # a validation error (the client sees its own value; Sentry must not)
    call_wsgi(
        graphql_environ(
            host, "{ spa { slug } }", {"phone": MARKERS[3], "name": MARKERS[0]}, query_string
        )
    )
    sentry_sdk.flush()

    sent = b"\n".join(sentry_envelopes)
    events = [json.loads(line) for line in sent.split(b"\n") if b'"exception"' in line]
    assert len(events) == 2  # both failures were reported
    for event in events:  # the error events themselves carry the tags
        assert event["tags"]["spa"] == "glow" and event["tags"]["spa_schema"] == "spa_glow"
        assert len(event["tags"]["request_id"]) == 32
    types = {e["exception"]["values"][-1]["type"] for e in events}
    assert types == {"RuntimeError", "IntegrityError"}
    assert b"sqlstate=23505 constraint=accounts_user_email_key" in sent
    for marker in MARKERS:
        assert marker.encode() not in sent, marker
        assert marker.replace(" ", "+").encode() not in sent, marker


def test_scrub_text_keeps_the_shape_and_drops_the_values():
    message = (
        'duplicate key value violates unique constraint "accounts_user_email_key"\n'
        "DETAIL:  Key (email)=(zelda@phi.example) already exists."
    )
    scrubbed = scrub_text(message)

    assert scrubbed.startswith("duplicate key value violates unique constraint [value]")
    assert "zelda" not in scrubbed
    assert (
        scrub_text("patient 'Zelda' born 1961-07-04, call 555 0199")
        == "patient [value] born [n], call [n] [n]"
    )


def test_the_phi_denylist_scrubs_nested_fields():
    from core.observability.sentry import before_send

    # our names (allergies, date_of_birth) are not in the SDK's own denylists
    event = {"user": {"id": "7", "profile": {"date_of_birth": "1961-07-04", "allergies": "peanut"}}}

    before_send(event, {})

    sent = json.dumps(event, default=lambda annotated: annotated.value)  # as the SDK serialises
    assert event["user"]["id"] == "7"
    assert "1961" not in sent and "peanut" not in sent
