"""Text and JSON refused at the edge, on every endpoint (core/graphql/inputs.py)."""

import json

import pytest
from django_tenants.utils import tenant_context

from core.graphql.inputs import MAX_STRING_LENGTH
from tenant_apps.clients.models import Client

CREATE_CLIENT = """
mutation($input: ClientInput!) {
  createClient(input: $input) { client { id } errors { code } }
}
"""
ENDPOINTS = [("spa", "/graphql/"), ("booking", "/booking/graphql/"), ("public", "/graphql/")]


def _post(client, path, body: str):
    response = client.post(path, data=body, content_type="application/json")
    return response.status_code, json.loads(response.content)


def _codes(body):
    return [error["extensions"]["code"] for error in body.get("errors", [])]


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "x\udfffy"])
def test_a_variable_with_unstorable_text_is_refused_and_nothing_is_written(glow, signed_in, bad):
    client = signed_in(glow, "front_desk")
    body = json.dumps({"query": CREATE_CLIENT, "variables": {"input": {"firstName": bad}}})

    status, answer = _post(client, "/graphql/", body)

    assert (status, _codes(answer)) == (400, ["INVALID_CHARACTERS"])
    with tenant_context(glow):
        assert not Client.objects.filter(first_name__contains="b").exists()


@pytest.mark.parametrize(("kind", "path"), ENDPOINTS)
@pytest.mark.parametrize(
    "payload",
    [
        {"query": '{ spa { slug } } # "\x00"'},
        {"query": "{ spa { slug } }", "operationName": "\ud800"},
        {"query": '{ __type(name: "a\\u0000b") { name } }'},
        {"query": "{ spa { slug } }", "variables": {"\x00key": 1}},
        {"query": "{ spa { slug } }", "variables": {"a": [{"b": ["\ud83d"]}]}},
    ],
)
def test_unstorable_text_anywhere_in_a_request_is_refused(glow, client_for, kind, path, payload):
    client = client_for("medspa.test" if kind == "public" else glow)
    status, answer = _post(client, path, json.dumps(payload))
    assert (status, _codes(answer)) == (400, ["INVALID_CHARACTERS"])


def test_a_surrogate_pair_is_a_character_not_an_error(glow, client_for):
    # "\ud83d\ude00" is one emoji in JSON: valid text, stored as written
    body = json.dumps({"query": "{ spa { slug } }", "variables": {"note": "\U0001f600"}})
    assert _post(client_for(glow), "/graphql/", body)[0] == 200


@pytest.mark.parametrize(("kind", "path"), ENDPOINTS)
def test_json_nested_a_hundred_thousand_deep_is_a_bad_request(glow, client_for, kind, path):
    client = client_for("medspa.test" if kind == "public" else glow)
    deep = "[" * 100_000 + "]" * 100_000
    body = '{"query": "{ spa { slug } }", "variables": {"a": ' + deep + "}}"

    status, answer = _post(client, path, body)

    assert (status, _codes(answer)) == (400, ["BAD_REQUEST"])
    assert answer["errors"][0]["message"] == "The JSON is nested too deeply."


def test_variables_nested_past_the_limit_are_refused(glow, client_for):
    nested = json.loads("[" * 20 + "1" + "]" * 20)
    body = json.dumps({"query": "{ spa { slug } }", "variables": {"a": nested}})

    status, answer = _post(client_for(glow), "/graphql/", body)

    assert (status, _codes(answer)) == (400, ["INPUT_TOO_LARGE"])


def test_a_huge_text_variable_is_refused(glow, client_for):
    body = json.dumps(
        {"query": "{ spa { slug } }", "variables": {"a": "x" * (MAX_STRING_LENGTH + 1)}}
    )
    status, answer = _post(client_for(glow), "/graphql/", body)
    assert (status, _codes(answer)) == (400, ["INPUT_TOO_LARGE"])


def test_a_body_past_the_upload_limit_is_413(glow, client_for, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"query": "{ spa { slug } }", "variables": {"a": "x" * 20_000}})
    status, answer = _post(client_for(glow), "/graphql/", body)
    assert (status, _codes(answer)) == (413, ["REQUEST_TOO_LARGE"])
