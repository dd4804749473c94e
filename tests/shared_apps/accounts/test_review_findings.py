"""Attacks found in review, each kept as a test: throttling bypasses, stale
authority, secrets stored with failed attempts."""

import json

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.exceptions import ValidationError

from shared_apps.accounts.models import Invitation, Membership, Role
from shared_apps.accounts.secrets import digest
from shared_apps.accounts.services.invitations import invitation_create
from shared_apps.accounts.services.team import member_change_role
from tests.factories import PASSWORD
from tests.shared_apps.accounts.ids import global_id

LOGIN = (
    'mutation {{ login(email: "{email}", password: "{password}") {{ token errors {{ code }} }} }}'
)


def _login(client, email, password=PASSWORD, **extra):
    return client.graphql(LOGIN.format(email=email, password=password), **extra).data["login"]


def test_a_login_inside_a_fragment_is_refused_and_cannot_dodge_the_count(
    glow, member_of, client_for
):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)

    wrapped = client.graphql(
        'mutation { ... on Mutation { login(email: "nora@glow.example", password: "guess") '
        "{ token errors { code } } } }"
    )

    assert wrapped.status == 400
    assert wrapped.error_codes == ["BAD_REQUEST"]


def test_signing_in_to_ones_own_account_does_not_clear_failures_against_another(
    glow, radiance, member_of, client_for
):
    # given 9 guesses at a victim from the attacker's address, then the attacker
    # signing in to their own account from there (which used to clear every
    # failure from that address)
    member_of(glow, email="victim@glow.example")
    member_of(radiance, email="mallory@radiance.example")
    for n in range(9):
        _login(client_for(glow), "victim@glow.example", f"guess-{n}")
    assert _login(client_for(radiance), "mallory@radiance.example")["token"]

    # when the attacker guesses once more
    tenth = _login(client_for(glow), "victim@glow.example", "guess-9")

    # then that is the tenth failure: the victim's account is locked, from anywhere
    assert tenth["errors"] == [{"code": "TOO_MANY_ATTEMPTS"}]
    assert _login(client_for(glow), "victim@glow.example", REMOTE_ADDR="192.0.2.55")["errors"] == [
        {"code": "TOO_MANY_ATTEMPTS"}
    ]


def test_a_success_clears_only_that_accounts_failures(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")
    for n in range(9):
        _login(client_for(glow), "nora@glow.example", f"guess-{n}", REMOTE_ADDR=f"10.3.0.{n}")

    assert _login(client_for(glow), "nora@glow.example", REMOTE_ADDR="10.3.1.1")["token"]
    assert not AccessAttempt.objects.filter(username="nora@glow.example").exists()


def test_a_demoted_manager_cannot_act_on_a_request_loaded_before_the_demotion(glow, member_of):
    manager = member_of(glow, Role.MANAGER)
    target = member_of(glow, Role.FRONT_DESK)
    stale = Membership.objects.get(pk=manager.pk)  # what the request loaded
    Membership.objects.filter(pk=manager.pk).update(role=Role.FRONT_DESK)  # demoted meanwhile

    with pytest.raises(ValidationError) as error:
        member_change_role(spa=glow, actor=stale, membership_id=target.pk, role=Role.MANAGER)

    assert error.value.code == "ROLE_NOT_ALLOWED"
    target.refresh_from_db()
    assert target.role == Role.FRONT_DESK


def test_a_removed_manager_cannot_invite_on_a_stale_request(glow, member_of, mailoutbox):
    manager = member_of(glow, Role.MANAGER)
    stale = Membership.objects.get(pk=manager.pk)
    Membership.objects.filter(pk=manager.pk).update(is_active=False)

    with pytest.raises(ValidationError) as error:
        invitation_create(spa=glow, invited_by=stale, email="x@glow.example", role="provider")

    assert error.value.code == "ROLE_NOT_ALLOWED"
    assert not Invitation.objects.exists()


def test_an_invitation_dies_with_its_authors_authority(
    glow, member_of, signed_in, client_for, mailoutbox
):
    manager = signed_in(glow, Role.MANAGER)
    manager.graphql(
        'mutation { inviteMember(email: "alt@glow.example", role: MANAGER) { errors { code } } }'
    )
    secret = mailoutbox[0].body.split("token=")[1].split()[0]
    owner = signed_in(glow, Role.OWNER)
    owner.graphql(
        f'mutation {{ deactivateMember(id: "{global_id(glow, "Member", manager.membership.pk)}") '
        "{ errors { code } } }"
    )

    answer = client_for(glow).graphql(
        'mutation A($t: String!) { acceptInvitation(token: $t, name: "Alt", password: "a-long-new-password") '
        "{ token errors { code } } }",
        {"t": secret},
    )

    assert answer.data["acceptInvitation"] == {
        "token": None,
        "errors": [{"code": "INVITATION_INVALID"}],
    }
    assert not Membership.objects.filter(user__email="alt@glow.example").exists()


def test_an_invitation_never_changes_a_current_members_role(
    glow, member_of, signed_in, client_for, mailoutbox
):
    owner = signed_in(glow, Role.OWNER)
    owner.graphql(
        'mutation { inviteMember(email: "later@glow.example", role: FRONT_DESK) { errors { code } } }'
    )
    secret = mailoutbox[0].body.split("token=")[1].split()[0]
    # meanwhile the person joined as a manager another way
    member = member_of(glow, Role.MANAGER, email="later@glow.example")

    answer = client_for(glow).graphql(
        "mutation A($t: String!) { acceptInvitation(token: $t) { errors { code } } }", {"t": secret}
    )

    assert answer.data["acceptInvitation"]["errors"] == [{"code": "ALREADY_MEMBER"}]
    member.refresh_from_db()
    assert member.role == Role.MANAGER


def test_form_bodies_and_url_queries_are_not_run_so_no_password_is_stored(
    glow, member_of, client_for
):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)
    query = LOGIN.format(email="nora@glow.example", password="Guess-In-Clear-1")

    form = client.post("/graphql/", {"query": query})
    in_url = client.post(f"/graphql/?query={query}", data="{}", content_type="application/json")

    assert form.status_code == 415
    assert json.loads(form.content)["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert in_url.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_failed_attempt_records_hold_no_password(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")

    _login(client_for(glow), "nora@glow.example", "Guess-In-Clear-2")

    stored = " ".join(f"{a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
    assert AccessAttempt.objects.count() == 1
    assert "Guess-In-Clear-2" not in stored


def test_reset_links_are_limited_per_address(glow, member_of, client_for, mailoutbox):
    cache.clear()
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)

    for n in range(5):
        answer = client.graphql(
            'mutation { requestPasswordReset(email: "nora@glow.example") { errors { code } } }',
            REMOTE_ADDR=f"10.7.0.{n}",
        )
        assert answer.data == {"requestPasswordReset": {"errors": []}}  # the same answer throughout

    assert len(mailoutbox) == 3
    cache.clear()


def test_stored_token_is_the_sha256_of_the_secret(glow, signed_in):
    client = signed_in(glow)

    stored = client.membership.tokens.get()

    assert stored.token_hash == digest(client.token)
    assert client.token not in stored.token_hash
