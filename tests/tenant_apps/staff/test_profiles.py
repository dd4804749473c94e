"""Staff profiles: made when a provider joins, kept in the spa's schema, changed
by managers."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.graphql.relay import to_global_id
from shared_apps.accounts.models import Role
from tenant_apps.staff.models import StaffProfile
from tenant_apps.staff.services import UNNAMED, staff_profile_ensure
from tests.shared_apps.accounts.ids import global_id
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.staff.factories import StaffProfileFactory

INVITE = """
mutation($email: String!, $role: Role!) {
  inviteMember(email: $email, role: $role) { errors { code } }
}
"""
ACCEPT = """
mutation($token: String!) {
  acceptInvitation(token: $token, name: "Nia Hart", password: "a-long-new-password") {
    me { id } errors { code }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateStaffMemberInput!) {
  updateStaffMember(id: $id, input: $input) {
    staffMember { displayName isProvider isActive }
    errors { field code }
  }
}
"""


def _join(glow, signed_in, client_for, mailoutbox, role):
    """Invite someone with `role` and accept on glow's host; their user id."""
    signed_in(glow, Role.MANAGER).graphql(INVITE, {"email": "nia@glow.example", "role": role})
    token = re.search(r"token=(inv_[\w-]+)", mailoutbox[-1].body).group(1)
    answer = client_for(glow).graphql(ACCEPT, {"token": token})
    assert answer.data["acceptInvitation"]["errors"] == []
    return int(answer.data["acceptInvitation"]["me"]["id"])


def test_a_provider_accepting_an_invitation_gets_a_provider_profile(
    glow, radiance, signed_in, client_for, mailoutbox
):
    user_id = _join(glow, signed_in, client_for, mailoutbox, "PROVIDER")

    with on_spa(glow):
        profile = StaffProfile.objects.get(user_id=user_id)
        assert (profile.display_name, profile.is_provider, profile.is_active) == (
            "Nia Hart",
            True,
            True,
        )
    with on_spa(radiance):
        assert not StaffProfile.objects.exists()


def test_front_desk_joining_gets_no_provider_profile(glow, signed_in, client_for, mailoutbox):
    _join(glow, signed_in, client_for, mailoutbox, "FRONT_DESK")

    with on_spa(glow):
        assert not StaffProfile.objects.exists()


def test_becoming_a_provider_makes_the_profile_a_providers(glow, member_of, signed_in):
    member = member_of(glow, Role.FRONT_DESK, name="Ada Moss")
    with on_spa(glow):
        staff_profile_ensure(user_id=member.user_id, display_name="Ada M.", is_provider=False)

    answer = signed_in(glow, Role.MANAGER).graphql(
        f'mutation {{ changeMemberRole(id: "{global_id(glow, "Member", member.pk)}", '
        "role: PROVIDER) { errors { code } } }"
    )

    assert answer.data["changeMemberRole"]["errors"] == []
    with on_spa(glow):
        profile = StaffProfile.objects.get(user_id=member.user_id)
    assert (profile.display_name, profile.is_provider) == ("Ada M.", True)  # the name stays


@pytest.mark.spa("glow")
def test_ensuring_a_profile_is_idempotent_and_never_demotes(glow, member_of):
    lee, unnamed = member_of(glow, Role.PROVIDER), member_of(glow, Role.PROVIDER, name="")

    first = staff_profile_ensure(user_id=lee.user_id, display_name="  Lee  ", is_provider=True)
    again = staff_profile_ensure(user_id=lee.user_id, display_name="Someone", is_provider=False)
    nameless = staff_profile_ensure(user_id=unnamed.user_id, display_name="", is_provider=True)

    assert again.pk == first.pk
    assert (again.display_name, again.is_provider) == ("Lee", True)
    assert nameless.display_name == UNNAMED
    assert StaffProfile.objects.count() == 2


@pytest.mark.spa("glow")
def test_only_members_of_the_spa_get_a_profile(radiance, member_of):
    elsewhere = member_of(radiance, Role.PROVIDER)

    for user_id in (elsewhere.user_id, 999_999):
        with pytest.raises(ValidationError) as error:
            staff_profile_ensure(user_id=user_id, display_name="Mallory", is_provider=True)
        assert error.value.error_dict["user_id"][0].code == "NOT_FOUND"
    assert not StaffProfile.objects.exists()


def test_manager_renames_and_deactivates_a_staff_member(glow, signed_in):
    with on_spa(glow):
        staff_id = to_global_id("StaffMember", StaffProfileFactory(display_name="Lee").pk)

    answer = signed_in(glow, Role.MANAGER).graphql(
        UPDATE, {"id": staff_id, "input": {"displayName": " Dr. Lee ", "isActive": False}}
    )

    assert answer.data["updateStaffMember"] == {
        "staffMember": {"displayName": "Dr. Lee", "isProvider": True, "isActive": False},
        "errors": [],
    }


@pytest.mark.parametrize(("name", "code"), [("  ", "NAME_REQUIRED"), ("x" * 121, "NAME_TOO_LONG")])
def test_a_bad_name_is_refused_and_nothing_changes(glow, signed_in, name, code):
    with on_spa(glow):
        staff = StaffProfileFactory(display_name="Lee")
        staff_id = to_global_id("StaffMember", staff.pk)

    answer = signed_in(glow, Role.OWNER).graphql(
        UPDATE, {"id": staff_id, "input": {"displayName": name, "isProvider": False}}
    )

    assert answer.data["updateStaffMember"] == {
        "staffMember": None,
        "errors": [{"field": "displayName", "code": code}],
    }
    with on_spa(glow):
        staff.refresh_from_db()
    assert (staff.display_name, staff.is_provider) == ("Lee", True)


def test_providers_and_front_desk_cannot_change_profiles(glow, signed_in):
    with on_spa(glow):
        staff = StaffProfileFactory(display_name="Lee")
        staff_id = to_global_id("StaffMember", staff.pk)

    for role in (Role.PROVIDER, Role.FRONT_DESK):
        answer = signed_in(glow, role).graphql(
            UPDATE, {"id": staff_id, "input": {"isActive": False}}
        )
        assert answer.error_codes == ["FORBIDDEN"]
    with on_spa(glow):
        staff.refresh_from_db()
    assert staff.is_active


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "row",
    [
        {"user_id": 7, "display_name": "Twin"},  # a second profile for one person
        {"user_id": 8, "display_name": ""},
        {"user_id": 0, "display_name": "Nobody"},
    ],
)
def test_the_database_refuses_bad_profiles(row):
    StaffProfile.objects.create(user_id=7, display_name="Lee")

    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.create(**row)
