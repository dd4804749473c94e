"""A database that does not answer (on Citus: the worker holding the spa down)
gets 503 DATABASE_UNAVAILABLE with Retry-After, not a 200 with INTERNAL_ERROR,
and a mutation caught by it writes nothing."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection

from tenant_apps.clients.models import Client
from tenants.db import connection as tenant_connection


def _refusing(table: str):
    def refuse(execute, sql, params, many, context):
        if table in sql:
            # What Citus raises when the spa's worker refuses connections.
            raise OperationalError("connection to the remote node failed: Connection refused")
        return execute(sql, params, many, context)

    return refuse


@pytest.mark.django_db
def test_a_read_the_database_cannot_answer_is_503_with_retry_after(glow, signed_in):
    client = signed_in(glow, "front_desk")
    with connection.execute_wrapper(_refusing('"clients_client"')):
        answer = client.graphql("{ clients(first: 1) { totalCount } }")
    assert answer.status == 503
    assert answer.error_codes == ["DATABASE_UNAVAILABLE"]
    assert answer.headers["Retry-After"] == "30"
    assert "remote node" not in str(answer.body)  # the driver's text never leaves


@pytest.mark.django_db
def test_a_write_the_database_cannot_finish_leaves_nothing(glow, signed_in):
    client = signed_in(glow, "front_desk")
    tenant_connection.set_tenant(glow)
    before = Client.objects.count()
    tenant_connection.set_schema_to_public()
    # The client row is written, then its audit entry fails: the mutation's
    # transaction must roll the client back.
    with connection.execute_wrapper(_refusing('"audit_auditentry"')):
        answer = client.graphql(
            'mutation { createClient(input: {firstName: "Ava", lastName: "Lost"})'
            " { client { id } errors { code } } }"
        )
    assert answer.status == 503
    assert answer.error_codes == ["DATABASE_UNAVAILABLE"]
    tenant_connection.set_tenant(glow)
    assert Client.objects.count() == before


@pytest.mark.django_db
def test_any_other_failure_is_still_an_internal_error(glow, signed_in):
    def broken(execute, sql, params, many, context):
        if '"clients_client"' in sql:
            raise ValueError("a bug")
        return execute(sql, params, many, context)

    client = signed_in(glow, "front_desk")
    with connection.execute_wrapper(broken):
        answer = client.graphql("{ clients(first: 1) { totalCount } }")
    assert answer.status == 200
    assert answer.error_codes == ["INTERNAL_ERROR"]


@pytest.mark.django_db
def test_a_page_whose_view_cannot_reach_the_database_is_503(glow, client_for):
    page = client_for(glow)
    with connection.execute_wrapper(_refusing('"profile_spaprofile"')):
        response = page.get("/booking/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert b"remote node" not in response.content
