"""What Django and libraries log on their own must not carry patient data either."""

import io
import json
import logging

import pytest
from django.test import Client
from pythonjsonlogger.json import JsonFormatter

from config.settings import base
from core.observability.redaction import RedactingFilter

MARKERS = ["Zelda Markerly", "zelda.markerly@phi.example", "Jane Doe", "1980-01-01"]


@pytest.fixture
def production_log():
    """The root logger writing through a handler built as config/settings/base.py builds it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


def test_the_console_handler_redacts(db):
    handler = base.LOGGING["handlers"]["console"]
    assert handler["filters"] == ["redact"]
    assert base.LOGGING["filters"]["redact"]["()"].endswith("RedactingFilter")


@pytest.mark.urls("tests.tenants.mutation_urls")
def test_4xx_and_5xx_lines_carry_no_query_string_and_no_exception_message(glow, production_log):
    client = Client(HTTP_HOST="glow.medspa.test", raise_request_exception=False)
    variables = json.dumps({"e": MARKERS[1]})

    bad = client.get("/graphql/", {"query": "{ nope }", "variables": variables})
    missing = client.get("/x", {"patient": MARKERS[0]})
    failed = client.get("/boom/")

    lines = [json.loads(line) for line in production_log.getvalue().splitlines()]
    assert (bad.status_code, missing.status_code, failed.status_code) == (400, 404, 500)
    django_lines = [line for line in lines if line["name"] == "django.request"]
    assert {line["message"] for line in django_lines} >= {
        "Bad Request: /graphql/",
        "Not Found: /x",
        "Internal Server Error: /boom/",
    }
    assert any(line.get("exc_type") == "RuntimeError" for line in django_lines)
    text = production_log.getvalue()
    for marker in MARKERS:
        assert marker not in text and marker.replace(" ", "+") not in text, marker
