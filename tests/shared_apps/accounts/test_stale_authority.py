"""Authority is checked when the act happens, not when the request was loaded: a
member demoted or removed meanwhile cannot act, and an invitation dies with its
author's authority."""

import pytest
from django.core.exceptions import ValidationError

from shared_apps.accounts.models import Invitation, Membership, Role
from shared_apps.accounts.services.invitations import invitation_create
from shared_apps.accounts.services.team import member_change_role
from tests.shared_apps.accounts.ids import global_id


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
