"""Signed records cannot be changed or deleted, whoever asks
(docs/adr/0010-signed-records-immutable.md)."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from tenant_apps.audit.services import Actor
from tenant_apps.clients.services import client_merge
from tenant_apps.forms.models import FormResponse, FormVersion, Signature
from tenants.db import connection
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.factories import a_response, a_version


def _refused(sql: str, pk: int) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [pk])
    except DatabaseError as exc:
        return "signed form records are never changed" in str(exc)
    return False


@pytest.mark.spa("glow")
def test_update_and_delete_of_versions_responses_and_signatures_are_refused():
    version = a_version()
    response = a_response(client_id=ClientFactory().pk, version=version)
    signature = Signature.objects.get(response=response)

    assert _refused("UPDATE forms_formversion SET title = 'x' WHERE id = %s", version.pk)
    assert _refused("DELETE FROM forms_formversion WHERE id = %s", version.pk)
    assert _refused("UPDATE forms_formresponse SET answers = '{}' WHERE id = %s", response.pk)
    assert _refused(
        "UPDATE forms_formresponse SET decision = 'declined', client_id = client_id WHERE id = %s",
        response.pk,
    )
    assert _refused("DELETE FROM forms_formresponse WHERE id = %s", response.pk)
    assert _refused("UPDATE forms_signature SET typed_name = 'x' WHERE id = %s", signature.pk)
    assert _refused("DELETE FROM forms_signature WHERE id = %s", signature.pk)
    with pytest.raises(DatabaseError), transaction.atomic():
        FormVersion.objects.filter(pk=version.pk).update(schema={"sections": []})
    response.refresh_from_db()
    assert response.answers["smoker"] is False


@pytest.mark.spa("glow")
def test_merging_clients_moves_their_responses_and_nothing_else():
    # given a duplicate client who answered a form
    survivor, duplicate = ClientFactory(), ClientFactory()
    response = a_response(client_id=duplicate.pk, version=a_version())
    before = (response.document_hash, response.answers)

    # when the duplicate is merged into the survivor
    client_merge(actor=Actor.system("test"), survivor_id=survivor.pk, duplicate_id=duplicate.pk)

    # then the response belongs to the survivor, unchanged otherwise
    moved = FormResponse.objects.get(pk=response.pk)
    assert moved.client_id == survivor.pk
    assert (moved.document_hash, moved.answers) == before
