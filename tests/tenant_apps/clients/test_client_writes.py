"""Creating, changing, archiving and merging clients through the spa API."""

import datetime

import pytest
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client, MarketingConsent
from tenant_apps.clients.services import Consent, client_create, client_merge, client_update
from tenants.db import connection
from tests.tenant_apps.clients.factories import ClientFactory

CREATE = """
mutation($input: ClientInput!, $allow: Boolean) {
  createClient(input: $input, allowDuplicate: $allow) {
    client { id displayName phone email dateOfBirth allergies tags
             address { city country } marketingConsent { granted source } }
    duplicates { id }
    errors { field code message }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: ClientInput!) {
  updateClient(id: $id, input: $input) {
    client { id firstName notes allergies } errors { field code }
  }
}
"""
MERGE = """
mutation($keep: ID!, $fold: ID!) {
  mergeClients(survivorId: $keep, duplicateId: $fold) {
    client { id email phone allergies tags notes } errors { field code }
  }
}
"""
SYSTEM = Actor.system("test")


def gid(spa, client):
    with tenant_context(spa):
        return to_global_id("Client", client.pk)


def test_front_desk_creates_a_client_with_normalised_fields(glow, signed_in):
    answer = signed_in(glow, "front_desk").graphql(
        CREATE,
        {
            "input": {
                "firstName": " Ava ",
                "lastName": "Stone",
                "preferredName": "Avi",
                "email": "Ava.Stone@Mail.Example",
                "phone": "+1 (212) 555-0142",
                "dateOfBirth": "1990-04-02",
                "allergies": ["Lidocaine", "lidocaine ", "Latex"],
                "tags": ["vip"],
                "address": {"city": "New York", "country": "us"},
                "marketingConsent": {"granted": True, "source": "IN_PERSON"},
            }
        },
    )

    payload = answer.data["createClient"]
    assert payload["errors"] == []
    client = payload["client"]
    assert client["displayName"] == "Avi Stone"
    assert client["email"] == "ava.stone@mail.example"
    assert client["phone"] == "+12125550142"
    assert client["allergies"] == ["Lidocaine", "Latex"]
    assert client["address"] == {"city": "New York", "country": "US"}
    assert client["marketingConsent"] == {"granted": True, "source": "IN_PERSON"}
    with tenant_context(glow):
        stored = Client.objects.get()
        assert stored.created_by_user_id is not None
        assert MarketingConsent.objects.filter(client=stored, granted=True).count() == 1


@pytest.mark.parametrize(
    ("field_input", "field", "code"),
    [
        ({"phone": "555-0142-99999"}, "phone", "PHONE_INVALID"),
        ({"email": "ava@"}, "email", "EMAIL_INVALID"),
        ({"dateOfBirth": "2999-01-01"}, "dateOfBirth", "DATE_OF_BIRTH_IN_FUTURE"),
        ({"dateOfBirth": "1850-01-01"}, "dateOfBirth", "DATE_OF_BIRTH_INVALID"),
        ({"firstName": "  "}, "firstName", "NAME_REQUIRED"),
        ({"lastName": "x" * 101}, "lastName", "TOO_LONG"),
        ({"address": {"country": "XX"}}, "country", "COUNTRY_INVALID"),
        ({"allergies": ["x" * 201]}, "allergies", "LIST_INVALID"),
        ({"tags": [f"t{n}" for n in range(21)]}, "tags", "LIST_INVALID"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_is_saved(
    glow, signed_in, field_input, field, code
):
    answer = signed_in(glow, "front_desk").graphql(
        CREATE, {"input": {"firstName": "Ava", **field_input}}
    )

    payload = answer.data["createClient"]
    assert payload["client"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    with tenant_context(glow):
        assert not Client.objects.exists()
        assert not AuditEntry.objects.exists()


def test_every_bad_field_is_reported_at_once_without_echoing_values(glow, signed_in):
    answer = signed_in(glow, "front_desk").graphql(
        CREATE,
        {"input": {"firstName": "Ava", "phone": "12345", "email": "secret-address@"}},
    )

    errors = answer.data["createClient"]["errors"]
    assert sorted(e["code"] for e in errors) == ["EMAIL_INVALID", "PHONE_INVALID"]
    assert all("12345" not in e["message"] and "secret" not in e["message"] for e in errors)


def test_unknown_consent_source_is_a_validation_error(glow, signed_in):
    answer = signed_in(glow, "front_desk").graphql(
        CREATE,
        {"input": {"firstName": "Ava", "marketingConsent": {"granted": True, "source": "FAX"}}},
    )

    assert answer.error_codes == ["GRAPHQL_VALIDATION_FAILED"]


@pytest.mark.parametrize(
    "matching",
    [
        {"email": "AVA@mail.example"},
        {"phone": "+12125550142"},
        {"firstName": "AVA", "lastName": "stone", "dateOfBirth": "1990-04-02"},
    ],
)
def test_likely_duplicates_are_returned_and_not_created(glow, signed_in, matching):
    with tenant_context(glow):
        existing = client_create(
            actor=SYSTEM,
            first_name="Ava",
            last_name="Stone",
            email="ava@mail.example",
            phone="+12125550142",
            date_of_birth=datetime.date(1990, 4, 2),
        )
    client = signed_in(glow, "front_desk")
    candidate = {"firstName": "Someone", "lastName": "Else", **matching}

    refused = client.graphql(CREATE, {"input": candidate}).data["createClient"]
    forced = client.graphql(CREATE, {"input": candidate, "allow": True}).data["createClient"]

    assert [e["code"] for e in refused["errors"]] == ["DUPLICATE_SUSPECTED"]
    assert refused["client"] is None
    assert refused["duplicates"] == [{"id": gid(glow, existing)}]
    assert forced["errors"] == [] and forced["client"] is not None
    with tenant_context(glow):
        assert Client.objects.count() == 2


def test_same_name_with_another_birthday_is_not_a_duplicate(glow, signed_in):
    with tenant_context(glow):
        client_create(
            actor=SYSTEM,
            first_name="Ava",
            last_name="Stone",
            date_of_birth=datetime.date(1990, 4, 2),
        )

    answer = signed_in(glow, "front_desk").graphql(
        CREATE, {"input": {"firstName": "Ava", "lastName": "Stone", "dateOfBirth": "1991-04-02"}}
    )

    assert answer.data["createClient"]["errors"] == []


def test_update_changes_only_what_is_sent(glow, signed_in):
    with tenant_context(glow):
        client = client_create(
            actor=SYSTEM, first_name="Ava", notes="Prefers mornings", allergies=["Latex"]
        )

    answer = signed_in(glow, "front_desk").graphql(
        UPDATE, {"id": gid(glow, client), "input": {"allergies": ["Latex", "Lidocaine"]}}
    )

    assert answer.data["updateClient"]["client"] == {
        "id": gid(glow, client),
        "firstName": "Ava",
        "notes": "Prefers mornings",
        "allergies": ["Latex", "Lidocaine"],
    }


def test_an_update_saves_only_what_changed_and_is_logged_either_way(glow, signed_in):
    with tenant_context(glow):
        client = client_create(actor=SYSTEM, first_name="Ava", notes="Prefers mornings")
        client_update(actor=SYSTEM, client_id=client.pk, first_name="Ava", notes=None)
        after_clearing = Client.objects.get(pk=client.pk)
        with CaptureQueriesContext(connection) as queries:
            client_update(actor=SYSTEM, client_id=client.pk, first_name="Ava", notes="")

        assert after_clearing.notes == ""
        assert after_clearing.updated_at > client.updated_at
        assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
        assert Client.objects.get(pk=client.pk).updated_at == after_clearing.updated_at
        assert list(
            AuditEntry.objects.filter(client_ids=[client.pk]).values_list("action", flat=True)
        ) == ["create", "update", "update"]


def test_consent_change_is_recorded_with_when_and_how(glow, signed_in):
    with tenant_context(glow):
        client = client_create(
            actor=SYSTEM, first_name="Ava", marketing_consent=Consent(True, "online_booking")
        )
    api = signed_in(glow, "front_desk")

    api.graphql(
        UPDATE,
        {
            "id": gid(glow, client),
            "input": {"marketingConsent": {"granted": False, "source": "EMAIL"}},
        },
    )

    with tenant_context(glow):
        client.refresh_from_db()
        history = list(
            MarketingConsent.objects.filter(client=client).values_list("granted", "source")
        )
    assert history == [(True, "online_booking"), (False, "email")]
    assert client.marketing_consent is False and client.marketing_consent_source == "email"


def test_archive_hides_and_restore_brings_back(glow, signed_in):
    with tenant_context(glow):
        client = client_create(actor=SYSTEM, first_name="Ava")
    api = signed_in(glow, "front_desk")
    listed = "{ clients(first: 10) { edges { node { id } } } }"

    archived = api.graphql(
        "mutation($id: ID!) { archiveClient(id: $id) { client { isArchived } errors { code } } }",
        {"id": gid(glow, client)},
    )
    hidden = api.graphql(listed).data["clients"]["edges"]
    refused = api.graphql(UPDATE, {"id": gid(glow, client), "input": {"notes": "x"}})
    restored = api.graphql(
        "mutation($id: ID!) { restoreClient(id: $id) { client { isArchived } errors { code } } }",
        {"id": gid(glow, client)},
    )

    assert archived.data["archiveClient"]["client"] == {"isArchived": True}
    assert hidden == []
    assert [e["code"] for e in refused.data["updateClient"]["errors"]] == ["CLIENT_ARCHIVED"]
    assert restored.data["restoreClient"]["client"] == {"isArchived": False}
    assert len(api.graphql(listed).data["clients"]["edges"]) == 1


def test_merge_keeps_every_related_row_and_every_clinical_fact(glow, signed_in):
    with tenant_context(glow):
        keep = client_create(
            actor=SYSTEM,
            first_name="Ava",
            last_name="Stone",
            allergies=["Latex"],
            tags=["vip"],
            notes="First chart",
            marketing_consent=Consent(True, "in_person"),
        )
        fold = client_create(
            actor=SYSTEM,
            first_name="Ava",
            last_name="Stone",
            email="ava@mail.example",
            phone="+12125550142",
            allergies=["latex", "Lidocaine"],
            tags=["filler"],
            notes="Second chart",
            marketing_consent=Consent(False, "email"),
            allow_duplicate=True,
        )
        earlier = client_create(actor=SYSTEM, first_name="Ava", allow_duplicate=True)
        client_merge(actor=SYSTEM, survivor_id=fold.pk, duplicate_id=earlier.pk)
        consents_before = MarketingConsent.objects.count()

    answer = signed_in(glow, "front_desk").graphql(
        MERGE, {"keep": gid(glow, keep), "fold": gid(glow, fold)}
    )

    survivor = answer.data["mergeClients"]["client"]
    assert answer.data["mergeClients"]["errors"] == []
    assert survivor["email"] == "ava@mail.example" and survivor["phone"] == "+12125550142"
    assert survivor["allergies"] == ["Latex", "Lidocaine"]
    assert survivor["tags"] == ["vip", "filler"]
    assert survivor["notes"] == "First chart\n\nSecond chart"
    with tenant_context(glow):
        assert MarketingConsent.objects.count() == consents_before
        assert set(MarketingConsent.objects.values_list("client_id", flat=True)) == {keep.pk}
        fold.refresh_from_db()
        earlier.refresh_from_db()
        assert fold.merged_into_id == keep.pk and fold.archived_at is not None
        # what had been merged into the duplicate now points at the survivor
        assert earlier.merged_into_id == keep.pk
        keep.refresh_from_db()
        # the later consent decision (the duplicate's) wins
        assert keep.marketing_consent is False and keep.marketing_consent_source == "email"


@pytest.mark.parametrize(
    ("pair", "field", "code"),
    [
        (("keep", "keep"), "duplicateId", "MERGE_SAME_CLIENT"),
        (("keep", "bogus"), "duplicateId", "NOT_FOUND"),
        (("merged", "keep"), "survivorId", "CLIENT_MERGED"),
    ],
)
def test_merge_refusals(glow, signed_in, pair, field, code):
    with tenant_context(glow):
        keep = client_create(actor=SYSTEM, first_name="Ava")
        other = client_create(actor=SYSTEM, first_name="Bea")
        merged = client_create(actor=SYSTEM, first_name="Cy")
        client_merge(actor=SYSTEM, survivor_id=other.pk, duplicate_id=merged.pk)
    ids = {"keep": gid(glow, keep), "merged": gid(glow, merged), "bogus": "bm9wZQ"}

    answer = signed_in(glow, "manager").graphql(MERGE, {"keep": ids[pair[0]], "fold": ids[pair[1]]})

    assert [(e["field"], e["code"]) for e in answer.data["mergeClients"]["errors"]] == [
        (field, code)
    ]


def test_providers_read_clients_but_cannot_change_them(glow, signed_in):
    with tenant_context(glow):
        client = ClientFactory(first_name="Ava")
    provider = signed_in(glow, "provider")

    read = provider.graphql("{ clients(first: 5) { edges { node { firstName } } } }")
    write = provider.graphql(UPDATE, {"id": gid(glow, client), "input": {"notes": "x"}})

    assert read.data["clients"]["edges"] == [{"node": {"firstName": "Ava"}}]
    assert write.error_codes == ["FORBIDDEN"]
    with tenant_context(glow):
        client.refresh_from_db()
        assert client.notes == ""


def test_database_refuses_what_the_services_refuse(glow):
    from django.db import IntegrityError, transaction

    with tenant_context(glow):
        for bad in [
            {"first_name": ""},
            {"first_name": "A", "email": "UPPER@mail.example"},
            {"first_name": "A", "phone": "2125550142"},
            {"first_name": "A", "marketing_consent_at": timezone.now()},
            {"first_name": "A", "date_of_birth": datetime.date(1800, 1, 1)},
        ]:
            with pytest.raises(IntegrityError), transaction.atomic():
                Client.objects.create(**bad)
