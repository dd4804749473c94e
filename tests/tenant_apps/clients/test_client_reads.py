"""Listing, searching and opening clients: ranked prefix search, keyset pages,
constant query counts, and a PHI audit entry for every read."""

import pytest
from django_tenants.utils import tenant_context

from core.graphql.inputs import MAX_STRING_LENGTH
from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.clients.selectors import (
    SEARCH_MAX_LENGTH,
    SEARCH_MAX_WORD_LENGTH,
    SEARCH_MAX_WORDS,
    SearchTooLong,
    client_search,
)
from tenant_apps.clients.services import client_archive, client_create
from tests.tenant_apps.clients.factories import ClientFactory

SEARCH = """
query($q: String, $first: Int, $after: String, $archived: Boolean) {
  clients(search: $q, first: $first, after: $after, includeArchived: $archived) {
    edges { node { id firstName lastName } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
LIST = """
query($first: Int!) {
  clients(first: $first) {
    totalCount
    edges { node { id displayName email phone allergies consentHistory { granted } } }
  }
}
"""
SYSTEM = Actor.system("test")


def _names(answer):
    return [
        f"{e['node']['firstName']} {e['node']['lastName']}" for e in answer.data["clients"]["edges"]
    ]


@pytest.fixture
def people(glow):
    with tenant_context(glow):
        made = {
            "jane": client_create(
                actor=SYSTEM,
                first_name="Jane",
                last_name="Doe",
                email="jd@mail.example",
                phone="+12125550101",
            ),
            "janet": client_create(
                actor=SYSTEM, first_name="Janet", last_name="Smith", phone="+447911123456"
            ),
            "doe": client_create(
                actor=SYSTEM, first_name="Mark", last_name="Doe", email="mark.doe@work.example"
            ),
            "other": client_create(actor=SYSTEM, first_name="Olive", last_name="Jansen"),
        }
        AuditEntry.objects.all().count()  # the creates are logged; reads are what we test
    return made


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jan", ["Jane Doe", "Olive Jansen", "Janet Smith"]),
        ("jane doe", ["Jane Doe"]),
        ("Doe", ["Jane Doe", "Mark Doe"]),
        ("mark.doe@work", ["Mark Doe"]),
        ("jd@mail.example", ["Jane Doe"]),
        ("(212) 555-0101", ["Jane Doe"]),
        ("07911 123456", ["Janet Smith"]),
        ("0101", ["Jane Doe"]),
        ("o'dea", []),
    ],
)
def test_search_matches_names_email_and_phone_by_prefix(glow, signed_in, people, text, expected):
    answer = signed_in(glow, "front_desk").graphql(SEARCH, {"q": text, "first": 10})

    assert sorted(_names(answer)) == sorted(expected)


def test_search_ranks_name_matches_above_email_matches(glow, signed_in):
    with tenant_context(glow):
        client_create(
            actor=SYSTEM, first_name="Alex", last_name="Rivera", email="rose@mail.example"
        )
        client_create(actor=SYSTEM, first_name="Rose", last_name="Tan")

    answer = signed_in(glow, "front_desk").graphql(SEARCH, {"q": "rose", "first": 10})

    assert _names(answer) == ["Rose Tan", "Alex Rivera"]


def test_search_pages_by_cursor_without_repeats(glow, signed_in):
    with tenant_context(glow):
        for n in range(7):
            ClientFactory(first_name=f"Sam{n}", last_name="Lee")
    api = signed_in(glow, "front_desk")

    seen, after, pages = [], None, 0
    while pages < 5:  # bounded: a cursor that did not advance would loop
        page = api.graphql(SEARCH, {"q": "lee", "first": 3, "after": after}).data["clients"]
        pages += 1
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert pages == 3
    assert len(seen) == len(set(seen)) == 7


def test_archived_clients_are_found_only_when_asked(glow, signed_in, people):
    with tenant_context(glow):
        client_archive(actor=SYSTEM, client_id=people["doe"].pk)
    api = signed_in(glow, "front_desk")

    assert _names(api.graphql(SEARCH, {"q": "doe", "first": 5})) == ["Jane Doe"]
    assert len(_names(api.graphql(SEARCH, {"q": "doe", "first": 5, "archived": True}))) == 2


def test_too_short_a_search_is_refused(glow, signed_in):
    answer = signed_in(glow, "front_desk").graphql(SEARCH, {"q": " j ", "first": 5})

    assert answer.error_codes == ["SEARCH_TOO_SHORT"]


@pytest.mark.parametrize(
    "text",
    [
        # As many prefix terms as a text variable may hold (100,000 characters).
        " ".join(f"w{n}" for n in range(15_000)),
        " ".join(["jane"] * (SEARCH_MAX_WORDS + 1)),
        "j" * 4096,  # one word of 4 KB (PostgreSQL refuses a tsquery word past 2 KB)
        "1" * (SEARCH_MAX_LENGTH + 1),  # a phone search
        "@" + "a" * SEARCH_MAX_LENGTH,  # an email search
    ],
    ids=["15k-words", "one-word-too-many", "4kb-word", "long-phone", "long-email"],
)
def test_too_long_a_search_is_refused_before_postgresql_and_logs_nothing(glow, signed_in, text):
    # given a member
    api = signed_in(glow, "front_desk")
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    # when they search with more words, or longer ones, than a search may have
    answer = api.graphql(SEARCH, {"q": text, "first": 5})

    # then a typed refusal, no crash, and nothing in the audit log
    assert answer.status == 200
    assert answer.error_codes == ["SEARCH_TOO_LONG"]
    assert answer.data == {"clients": None}
    with tenant_context(glow):
        assert AuditEntry.objects.count() == before


def test_a_search_of_a_hundred_thousand_words_is_refused_and_logs_nothing(glow, signed_in):
    # given a member
    api = signed_in(glow, "front_desk")
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    # when they search with a hundred thousand words (and more: longer than any
    # variable may be)
    words = MAX_STRING_LENGTH // 3 + 1
    answer = api.graphql(SEARCH, {"q": " ".join(["ab"] * words), "first": 5})

    # then a typed refusal (the text is longer than any variable may be), and
    # nothing in the audit log
    assert answer.error_codes == ["INPUT_TOO_LARGE"]
    with tenant_context(glow):
        assert AuditEntry.objects.count() == before


@pytest.mark.spa("glow")
def test_the_search_limits_are_checked_on_the_text_not_the_database():
    # given searches past each limit, a hundred thousand words among them
    hundred_thousand = " ".join(["ab"] * 100_000)
    words = " ".join(["ab"] * (SEARCH_MAX_WORDS + 1))
    word = "a" * (SEARCH_MAX_WORD_LENGTH + 1)
    spaced = "ab " + " " * SEARCH_MAX_LENGTH + "cd"

    # when each is asked for, then each is refused without a query built
    for text in (hundred_thousand, words, word):
        with pytest.raises(SearchTooLong):
            client_search(text=text)
    # (surrounding blanks do not count; inner ones do)
    assert client_search(text=f"{' ' * 1000}jane{' ' * 1000}") is not None
    with pytest.raises(SearchTooLong):
        client_search(text=spaced)


def test_searches_at_the_limits_are_answered(glow, signed_in, people):
    # given a member, and a client whose email is a long single word
    long_email = "j" * 64 + "@" + "d" * 60 + ".example"
    with tenant_context(glow):
        ClientFactory(first_name="Long", last_name="Mail", email=long_email)
    api = signed_in(glow, "front_desk")

    # when they search with as many words as allowed, and with the whole email
    most_words = api.graphql(
        SEARCH, {"q": " ".join(["jane", "doe"] * (SEARCH_MAX_WORDS // 2)), "first": 5}
    )
    whole_email = api.graphql(SEARCH, {"q": long_email, "first": 5})

    # then both are answered
    assert most_words.errors == [] and _names(most_words) == ["Jane Doe"]
    assert whole_email.errors == [] and _names(whole_email) == ["Long Mail"]


def test_search_is_logged_with_the_kind_of_terms_never_the_terms(glow, signed_in, people):
    api = signed_in(glow, "front_desk")
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    api.graphql(SEARCH, {"q": "jane", "first": 10})
    api.graphql(SEARCH, {"q": "+1 212 555 0101", "first": 10})
    api.graphql(SEARCH, {"q": "jd@mail", "first": 10})

    with tenant_context(glow):
        entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.search_kind, e.client_ids) for e in entries] == [
        ("search", "name", sorted([people["jane"].pk, people["janet"].pk])),
        ("search", "phone", [people["jane"].pk]),
        ("search", "email", [people["jane"].pk]),
    ]
    member = api.membership
    assert {(e.actor_user_id, e.actor_role) for e in entries} == {(member.user_id, "front_desk")}
    assert all(e.request_id and e.ip == "127.0.0.1" for e in entries)
    stored = " ".join(str(vars(e)) for e in entries)
    assert "jane" not in stored.lower() and "5550101" not in stored


def test_a_list_page_of_100_is_one_audit_row_and_a_constant_number_of_queries(
    glow, signed_in, django_assert_num_queries
):
    with tenant_context(glow):
        clients = ClientFactory.create_batch(100)
    api = signed_in(glow, "front_desk")
    api.graphql(LIST, {"first": 1})  # warm: routing cache, token
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    # token, the page, the count, consents prefetch, the audit insert (the
    # connection is still on glow's search_path: no SET)
    with django_assert_num_queries(5):
        small = api.graphql(LIST, {"first": 1})
    with django_assert_num_queries(5):
        large = api.graphql(LIST, {"first": 100})

    assert len(small.data["clients"]["edges"]) == 1
    assert len(large.data["clients"]["edges"]) == 100
    assert large.data["clients"]["totalCount"] == 100
    with tenant_context(glow):
        entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, len(e.client_ids)) for e in entries] == [("list", 1), ("list", 100)]
    assert set(entries[1].client_ids) == {c.pk for c in clients}


def test_counting_or_listing_ids_only_is_still_logged_but_a_count_alone_is_not(
    glow, signed_in, people
):
    api = signed_in(glow, "front_desk")
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    api.graphql("{ clients(first: 5) { totalCount } }")

    with tenant_context(glow):
        assert AuditEntry.objects.count() == before


def test_opening_a_client_is_logged_as_a_view(glow, signed_in, people):
    api = signed_in(glow, "provider")
    with tenant_context(glow):
        global_id = to_global_id("Client", people["jane"].pk)
        before = AuditEntry.objects.count()

    by_field = api.graphql("query($id: ID!) { client(id: $id) { allergies } }", {"id": global_id})
    by_node = api.graphql(
        "query($id: ID!) { node(id: $id) { ... on Client { notes } } }", {"id": global_id}
    )

    assert by_field.data["client"] == {"allergies": []}
    assert by_node.data["node"] == {"notes": ""}
    with tenant_context(glow):
        entries = list(AuditEntry.objects.filter(seq__gt=before).order_by("seq"))
    assert [(e.action, e.client_ids, e.actor_role) for e in entries] == [
        ("view", [people["jane"].pk], "provider"),
        ("view", [people["jane"].pk], "provider"),
    ]


def test_writes_are_logged_in_their_transaction(glow, signed_in):
    api = signed_in(glow, "front_desk")

    created = api.graphql(
        'mutation { createClient(input: {firstName: "Ava"}) { client { id } errors { code } } }'
    )
    failed = api.graphql(
        'mutation { createClient(input: {firstName: "Bo", email: "x@"}) { errors { code } } }'
    )

    assert created.data["createClient"]["errors"] == [] and failed.data["createClient"]["errors"]
    with tenant_context(glow):
        actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    # the create, then the read of the client the payload returned; nothing for the failure
    assert actions == ["create", "view"]


def test_a_client_of_one_spa_is_invisible_and_untouchable_from_another(glow, radiance, signed_in):
    with tenant_context(glow):
        ava = client_create(actor=SYSTEM, first_name="Ava", notes="glow only")
        glow_id = to_global_id("Client", ava.pk)
    with tenant_context(radiance):
        # the same primary key exists there, as another person
        twin = ClientFactory(pk=ava.pk, first_name="Other")
        radiance_before = AuditEntry.objects.count()
    api = signed_in(radiance, "owner")
    by_id = "query($id: ID!) { client(id: $id) { id } node(id: $id) { id } }"
    mutations = [
        ("updateClient", 'updateClient(id: $id, input: {notes: "changed"})'),
        ("archiveClient", "archiveClient(id: $id)"),
        ("restoreClient", "restoreClient(id: $id)"),
        ("mergeClients", "mergeClients(survivorId: $id, duplicateId: $id)"),
    ]

    read = api.graphql(by_id, {"id": glow_id})
    writes = {
        name: api.graphql(
            f"mutation($id: ID!) {{ {call} {{ client {{ id }} errors {{ code }} }} }}",
            {"id": glow_id},
        ).data[name]
        for name, call in mutations
    }
    searched = api.graphql(SEARCH, {"q": "ava", "first": 5})
    log = api.graphql(
        "query($id: ID!) { clientAuditLog(clientId: $id, first: 5) { edges { node { seq } } } }",
        {"id": glow_id},
    )

    assert read.data == {"client": None, "node": None}
    for name, payload in writes.items():
        assert payload["client"] is None, name
        assert "NOT_FOUND" in [e["code"] for e in payload["errors"]] or name == "mergeClients"
    assert searched.data["clients"]["edges"] == []
    assert log.data["clientAuditLog"]["edges"] == []
    with tenant_context(glow):
        ava.refresh_from_db()
        assert ava.notes == "glow only" and ava.archived_at is None
    with tenant_context(radiance):
        twin.refresh_from_db()
        assert twin.notes == "" and twin.archived_at is None and twin.merged_into_id is None
        assert AuditEntry.objects.count() == radiance_before


def test_clients_by_name_or_newest_first(glow, signed_in):
    with tenant_context(glow):
        for first, last in [("Zed", "Adams"), ("Amy", "Young"), ("Bo", "Adams")]:
            client_create(actor=SYSTEM, first_name=first, last_name=last)
    api = signed_in(glow, "front_desk")
    query = (
        "query($o: ClientOrder) { clients(first: 5, orderBy: $o) { edges { node { firstName } } } }"
    )

    by_name = api.graphql(query).data["clients"]["edges"]
    newest = api.graphql(query, {"o": "NEWEST"}).data["clients"]["edges"]

    assert [e["node"]["firstName"] for e in by_name] == ["Bo", "Zed", "Amy"]
    assert [e["node"]["firstName"] for e in newest] == ["Bo", "Amy", "Zed"]
