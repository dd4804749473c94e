"""One JSON line per request: the fields, the request id, and nothing private."""

import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from shared_apps.accounts.models import Role

MARKERS = ["Zelda Markerly", "zelda.markerly@phi.example", "1961-07-04"]


def _formatted(caplog) -> list[dict]:
    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "medspa.request"]


def test_a_graphql_request_logs_one_line_with_its_fields(glow, signed_in, caplog):
    caplog.set_level(logging.INFO, logger="medspa.request")
    client = signed_in(glow, Role.PROVIDER)
    client.graphql("{ me { role } }")  # warm: routing cached, token's first use recorded
    caplog.clear()

    answer = client.graphql(
        "query WhoAmI { me { role } }",
        {"note": " ".join(MARKERS)},
        QUERY_STRING="patient=" + MARKERS[0],
    )

    [line] = _formatted(caplog)
    assert answer.status == 200
    assert line["message"] == "request"
    assert line["request_id"] == answer.headers["X-Request-ID"]
    assert (line["method"], line["path"], line["spa"], line["operation"], line["status"]) == (
        "POST",
        "/graphql/",
        "glow",
        "WhoAmI",
        200,
    )
    assert line["user_id"] == client.membership.user_id
    # the token only: the warm-up left the connection on glow's search_path
    assert line["sql_queries"] == 1 and line["duration_ms"] > 0
    text = json.dumps(line) + caplog.text
    for secret in [*MARKERS, client.token, client.membership.user.email]:
        assert secret not in text


def test_operation_name_is_only_ever_a_graphql_name(glow, client_for, caplog):
    caplog.set_level(logging.INFO, logger="medspa.request")

    client_for(glow).post(
        "/graphql/",
        data=json.dumps({"query": "{ spa { slug } }", "operationName": MARKERS[1]}),
        content_type="application/json",
    )

    [line] = _formatted(caplog)
    assert line["operation"] is None


@pytest.mark.parametrize(
    ("incoming", "kept"), [("abc123-request-id", True), ("x", False), ("bad id; DROP", False)]
)
def test_request_id_is_taken_from_a_proxy_when_well_formed(glow, client_for, incoming, kept):
    response = client_for(glow).get(
        "/graphql/", {"query": "{ spa { slug } }"}, HTTP_X_REQUEST_ID=incoming
    )

    assert (response["X-Request-ID"] == incoming) is kept
    assert len(response["X-Request-ID"]) >= 8


def test_unknown_hosts_and_the_platform_are_logged_too(db, client_for, caplog):
    caplog.set_level(logging.INFO, logger="medspa.request")

    client_for("nowhere.medspa.test").get("/")
    client_for("medspa.test").get("/graphql/", {"query": "{ __typename }"})

    lines = _formatted(caplog)
    assert [(line["status"], line["spa"]) for line in lines] == [(404, None), (200, None)]


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (
            "/graphql/%0A%7B%22level%22%3A%22ERROR%22%7D",
            "/graphql/%0A%7B%22level%22:%22ERROR%22%7D",
        ),
        ("/a%00b%20c/", "/a%00b%20c/"),
        ("/caf%C3%A9/", "/caf%C3%A9/"),
    ],
)
def test_a_client_supplied_path_is_logged_escaped(glow, client_for, caplog, path, logged):
    caplog.set_level(logging.INFO, logger="medspa.request")

    client_for(glow).get(path)

    [line] = _formatted(caplog)
    assert line["path"] == logged
    assert "\n" not in line["path"] and "\x00" not in line["path"]


def test_a_long_path_and_an_invented_method_are_bounded(glow, client_for, caplog):
    caplog.set_level(logging.INFO, logger="medspa.request")

    client_for(glow).generic("BREW-COFFEE", "/" + "x" * 100_000)

    [line] = _formatted(caplog)
    assert len(line["path"]) == 256 and line["path"].endswith("...")
    assert line["method"] == "OTHER"
