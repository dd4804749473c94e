"""A suspended spa answers queries and refuses every mutation, changing nothing."""

import json

import pytest

from tenant_apps.profile.selectors import profile_get
from tenants.db import connection
from tenants.models import SpaStatus
from tenants.services import spa_set_status

pytestmark = pytest.mark.urls("tests.tenants.mutation_urls")

MUTATION = 'mutation { setBrandColor(color: "#aa5500") { brandColor } }'


def _brand_color(spa) -> str:
    connection.set_tenant(spa)
    color = profile_get().brand_color
    connection.set_schema_to_public()
    return color


def test_active_spa_accepts_mutations(glow, client_for):
    answer = client_for(glow).graphql(MUTATION)

    assert answer.status == 200
    assert answer.data == {"setBrandColor": {"brandColor": "#AA5500"}}
    assert _brand_color(glow) == "#AA5500"


def test_suspended_spa_rejects_mutations_but_answers_queries(glow, client_for):
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED, reason="chargeback")
    client = client_for(glow)

    refused = client.graphql(MUTATION)
    answered = client.graphql("{ spa { status profile { brandColor } } }")

    assert refused.status == 403
    assert refused.error_codes == ["SPA_SUSPENDED"]
    assert _brand_color(glow) == ""
    assert answered.status == 200
    assert answered.data == {"spa": {"status": "SUSPENDED", "profile": {"brandColor": ""}}}


def test_reactivated_spa_accepts_mutations_at_once(glow, client_for):
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED)
    client = client_for(glow)
    assert client.graphql(MUTATION).status == 403

    spa_set_status(spa=glow, status=SpaStatus.ACTIVE)

    assert client.graphql(MUTATION).data == {"setBrandColor": {"brandColor": "#AA5500"}}


def test_suspension_only_affects_that_spa(glow, radiance, client_for):
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED)

    assert client_for(radiance).graphql(MUTATION).status == 200
    assert _brand_color(radiance) == "#AA5500"


def test_failing_mutation_is_rolled_back_and_masked(glow, client_for):
    answer = client_for(glow).graphql("mutation { explode { ok } }")

    assert answer.error_codes == ["INTERNAL_ERROR"]
    assert answer.errors[0]["message"] == "Internal server error."
    assert "Jane" not in str(answer.body)
    assert _brand_color(glow) == ""  # the write before the failure was undone


def test_mutation_over_get_is_refused(glow, client_for):
    response = client_for(glow).get(
        "/graphql/", {"query": MUTATION}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert _brand_color(glow) == ""


def test_suspended_gate_follows_the_operation_actually_run(glow, client_for):
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED)
    document = f"query Read {{ spa {{ slug }} }} mutation Write {MUTATION[len('mutation ') :]}"
    client = client_for(glow)

    read = client.post(
        "/graphql/",
        data=json.dumps({"query": document, "operationName": "Read"}),
        content_type="application/json",
    )
    write = client.post(
        "/graphql/",
        data=json.dumps({"query": document, "operationName": "Write"}),
        content_type="application/json",
    )

    assert read.json() == {"data": {"spa": {"slug": "glow"}}}
    assert write.status_code == 403
    assert _brand_color(glow) == ""
