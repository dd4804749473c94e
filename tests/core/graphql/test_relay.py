"""Global IDs (core/graphql/relay.py): bound to one spa, and never a database error."""

import base64

import pytest
from django_tenants.utils import tenant_context

from core.graphql.relay import MAX_PK, from_global_id, to_global_id


def _raw(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.django_db
def test_an_id_names_its_spa_type_and_row(glow, radiance):
    with tenant_context(glow):
        minted = to_global_id("Client", 5)
        assert from_global_id(minted, "Client") == ("Client", 5)
        assert from_global_id(minted, "Service") is None
    with tenant_context(radiance):
        assert from_global_id(minted) is None


@pytest.mark.django_db
@pytest.mark.parametrize("pk", [str(MAX_PK + 1), "9" * 40, "0", "0" * 30 + "1", "-1", "1e3", "١٢"])
def test_a_number_no_bigint_holds_is_no_row(glow, pk):
    with tenant_context(glow):
        assert from_global_id(_raw(f"Client:{glow.pk}:{pk}")) is None


@pytest.mark.django_db
def test_the_largest_bigint_is_a_row_number(glow):
    with tenant_context(glow):
        assert from_global_id(_raw(f"Client:{glow.pk}:{MAX_PK}")) == ("Client", MAX_PK)


def test_an_overflowing_id_sent_to_the_api_is_not_found(glow, signed_in):
    client = signed_in(glow, "front_desk")
    with tenant_context(glow):
        huge = _raw(f"Client:{glow.pk}:{2**70}")

    answer = client.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": huge})

    assert answer.status == 200
    assert answer.data == {"node": None} and not answer.errors
