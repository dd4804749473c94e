"""Invitations: emailed, single-use, expiring, for one spa."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import Invitation, Membership, Role, User
from tests.factories import PASSWORD

INVITE = """
mutation Invite($email: String!, $role: Role!) {
  inviteMember(email: $email, role: $role) {
    invitation { id email role } errors { field code }
  }
}
"""
ACCEPT = """
mutation Accept($token: String!, $name: String, $password: String) {
  acceptInvitation(token: $token, name: $name, password: $password) {
    token me { email name role } errors { field code }
  }
}
"""


def _invite(client, email="new.hire@glow.example", role="PROVIDER"):
    return client.graphql(INVITE, {"email": email, "role": role}).data["inviteMember"]


def _accept(client, mail, name="Nia", password="a-long-new-password"):  # noqa: S107
    """Accept the invitation in `mail` on `client`'s spa; the payload."""
    arguments = {"token": _token_from(mail), "name": name, "password": password}
    return client.graphql(ACCEPT, arguments).data["acceptInvitation"]


def _token_from(mail) -> str:
    found = re.search(r"token=(inv_[\w-]+)", mail.body)
    assert found, mail.body
    return found.group(1)


def test_manager_invites_and_the_new_person_joins(glow, signed_in, client_for, mailoutbox):
    manager = signed_in(glow, Role.MANAGER)

    invited = _invite(manager, "New.Hire@Glow.example")
    secret = _token_from(mailoutbox[0])
    joined = (
        client_for(glow)
        .graphql(ACCEPT, {"token": secret, "name": "Nia Hart", "password": "a-long-new-password"})
        .data["acceptInvitation"]
    )

    assert invited["errors"] == []
    assert invited["invitation"]["email"] == "new.hire@glow.example"
    assert mailoutbox[0].to == ["new.hire@glow.example"]
    assert "http://glow.medspa.test" not in mailoutbox[0].body  # primary domain, https
    assert f"https://glow.medspa.test/accept-invitation?token={secret}" in mailoutbox[0].body
    assert joined["errors"] == []
    assert joined["me"] == {
        "email": "new.hire@glow.example",
        "name": "Nia Hart",
        "role": "PROVIDER",
    }
    assert User.objects.get(email="new.hire@glow.example").check_password("a-long-new-password")
    me = client_for(glow).graphql("{ me { role } }", HTTP_AUTHORIZATION=f"Bearer {joined['token']}")
    assert me.data == {"me": {"role": "PROVIDER"}}


def test_invitation_works_once(glow, signed_in, client_for, mailoutbox):
    _invite(signed_in(glow, Role.OWNER))
    secret = _token_from(mailoutbox[0])
    arguments = {"token": secret, "name": "Nia", "password": "a-long-new-password"}
    client_for(glow).graphql(ACCEPT, arguments)

    again = client_for(glow).graphql(ACCEPT, arguments).data["acceptInvitation"]

    assert again["token"] is None
    assert again["errors"] == [{"field": "token", "code": "INVITATION_INVALID"}]


def test_expired_invitation_is_refused(glow, signed_in, client_for, mailoutbox):
    _invite(signed_in(glow, Role.OWNER))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    answer = _accept(client_for(glow), mailoutbox[0])

    assert answer["errors"] == [{"field": "token", "code": "INVITATION_EXPIRED"}]
    assert not User.objects.filter(email="new.hire@glow.example").exists()


def test_an_invitation_to_one_spa_cannot_be_used_on_another(
    glow, radiance, signed_in, client_for, mailoutbox
):
    _invite(signed_in(glow, Role.OWNER))

    answer = _accept(client_for(radiance), mailoutbox[0])

    assert answer["errors"] == [{"field": "token", "code": "INVITATION_INVALID"}]
    assert not Membership.objects.filter(spa=radiance, user__email="new.hire@glow.example").exists()


def test_someone_with_an_account_keeps_their_password(
    glow, radiance, member_of, signed_in, client_for, mailoutbox
):
    existing = member_of(radiance, email="sam@both.example").user
    _invite(signed_in(glow, Role.OWNER), "sam@both.example", "FRONT_DESK")

    joined = (
        client_for(glow)
        .graphql(ACCEPT, {"token": _token_from(mailoutbox[0]), "password": "attacker-chosen-pass"})
        .data["acceptInvitation"]
    )

    assert joined["errors"] == []
    existing.refresh_from_db()
    assert existing.check_password(PASSWORD)
    assert Membership.objects.get(user=existing, spa=glow).role == Role.FRONT_DESK


def test_weak_password_and_missing_name_are_reported_and_nothing_is_made(
    glow, signed_in, client_for, mailoutbox
):
    _invite(signed_in(glow, Role.OWNER))

    answer = (
        client_for(glow)
        .graphql(ACCEPT, {"token": _token_from(mailoutbox[0]), "name": "", "password": "123"})
        .data["acceptInvitation"]
    )

    assert {(e["field"], e["code"]) for e in answer["errors"]} == {
        ("name", "NAME_REQUIRED"),
        ("password", "PASSWORD_TOO_WEAK"),
    }
    assert not User.objects.filter(email="new.hire@glow.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_manager_cannot_invite_an_owner(glow, signed_in, mailoutbox):
    answer = _invite(signed_in(glow, Role.MANAGER), role="OWNER")

    assert answer["errors"] == [{"field": "role", "code": "ROLE_NOT_ALLOWED"}]
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("email", "code"),
    [("not-an-email", "EMAIL_INVALID"), ("member@glow.example", "ALREADY_MEMBER")],
)
def test_bad_invitations_are_refused(glow, member_of, signed_in, mailoutbox, email, code):
    member_of(glow, email="member@glow.example")

    assert _invite(signed_in(glow, Role.OWNER), email)["errors"] == [
        {"field": "email", "code": code}
    ]


def test_a_new_invitation_replaces_the_pending_one(glow, signed_in, client_for, mailoutbox):
    owner = signed_in(glow, Role.OWNER)
    _invite(owner)
    _invite(owner)

    stale = _accept(client_for(glow), mailoutbox[0])

    assert stale["errors"] == [{"field": "token", "code": "INVITATION_INVALID"}]
    pending = owner.graphql("{ invitations(first: 5) { edges { node { email } } } }")
    assert len(pending.data["invitations"]["edges"]) == 1


def test_revoked_invitation_is_refused(glow, signed_in, client_for, mailoutbox):
    owner = signed_in(glow, Role.OWNER)
    invitation_id = _invite(owner)["invitation"]["id"]

    revoked = owner.graphql(
        f'mutation {{ revokeInvitation(id: "{invitation_id}") {{ errors {{ code }} }} }}'
    )
    answer = _accept(client_for(glow), mailoutbox[0])

    assert revoked.data == {"revokeInvitation": {"errors": []}}
    assert answer["errors"] == [{"field": "token", "code": "INVITATION_INVALID"}]


def test_another_spas_invitation_cannot_be_revoked_from_here(glow, radiance, signed_in, mailoutbox):
    invitation_id = _invite(signed_in(radiance, Role.OWNER))["invitation"]["id"]

    answer = signed_in(glow, Role.OWNER).graphql(
        f'mutation {{ revokeInvitation(id: "{invitation_id}") {{ errors {{ code }} }} }}'
    )

    assert answer.data == {"revokeInvitation": {"errors": [{"code": "NOT_FOUND"}]}}
    assert Invitation.objects.get(spa=radiance).revoked_at is None
