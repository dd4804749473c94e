"""The signed-in person's own details and password."""

from shared_apps.accounts.models import Role
from tests.factories import PASSWORD

UPDATE = "mutation U($name: String, $phone: String) { updateMe(name: $name, phone: $phone) { me { name phone } errors { field code } } }"
CHANGE = "mutation C($current: String!, $new: String!) { changePassword(currentPassword: $current, newPassword: $new) { errors { field code } } }"


def test_update_me_normalises_the_phone(glow, signed_in):
    client = signed_in(glow, Role.PROVIDER)

    answer = client.graphql(UPDATE, {"name": " Nora Quinn ", "phone": "+1 (212) 555-0142"})

    assert answer.data == {
        "updateMe": {"me": {"name": "Nora Quinn", "phone": "+12125550142"}, "errors": []}
    }


def test_update_me_refuses_bad_values_together(glow, signed_in):
    client = signed_in(glow)
    before = client.membership.user.name

    answer = client.graphql(UPDATE, {"name": "", "phone": "12"})

    assert {(e["field"], e["code"]) for e in answer.data["updateMe"]["errors"]} == {
        ("name", "NAME_REQUIRED"),
        ("phone", "PHONE_INVALID"),
    }
    client.membership.user.refresh_from_db()
    assert client.membership.user.name == before


def test_change_password_keeps_this_session_and_ends_the_others(glow, signed_in):
    here = signed_in(glow)
    elsewhere = signed_in(glow, membership=here.membership)

    answer = here.graphql(CHANGE, {"current": PASSWORD, "new": "a-fresh-long-secret"})

    assert answer.data == {"changePassword": {"errors": []}}
    assert here.graphql("{ me { role } }").status == 200
    assert elsewhere.graphql("{ me { role } }").status == 401
    here.membership.user.refresh_from_db()
    assert here.membership.user.check_password("a-fresh-long-secret")


def test_change_password_needs_the_current_one_and_a_strong_new_one(glow, signed_in):
    client = signed_in(glow)

    wrong = client.graphql(CHANGE, {"current": "nope", "new": "a-fresh-long-secret"})
    weak = client.graphql(CHANGE, {"current": PASSWORD, "new": "123"})

    assert wrong.data["changePassword"]["errors"] == [
        {"field": "currentPassword", "code": "INVALID_CREDENTIALS"}
    ]
    assert weak.data["changePassword"]["errors"] == [
        {"field": "newPassword", "code": "PASSWORD_TOO_WEAK"}
    ]
    client.membership.user.refresh_from_db()
    assert client.membership.user.check_password(PASSWORD)


def test_guesses_at_the_current_password_are_throttled(glow, signed_in):
    client = signed_in(glow)
    codes = [
        # from different addresses, so only the per-account count can lock
        client.graphql(
            CHANGE,
            {"current": f"guess-{n}", "new": "a-fresh-long-secret"},
            REMOTE_ADDR=f"10.8.0.{n}",
        ).data["changePassword"]["errors"][0]["code"]
        for n in range(10)
    ]

    right = client.graphql(
        CHANGE, {"current": PASSWORD, "new": "a-fresh-long-secret"}, REMOTE_ADDR="10.8.1.1"
    )

    assert codes == ["INVALID_CREDENTIALS"] * 9 + ["TOO_MANY_ATTEMPTS"]
    assert right.data["changePassword"]["errors"] == [{"field": None, "code": "TOO_MANY_ATTEMPTS"}]
