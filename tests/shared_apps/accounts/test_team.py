"""Team management: list, change roles, deactivate; a spa always keeps an owner."""

import pytest

from shared_apps.accounts.models import Membership, Role
from tests.shared_apps.accounts.ids import global_id

CHANGE = 'mutation {{ changeMemberRole(id: "{id}", role: {role}) {{ member {{ role }} errors {{ code }} }} }}'
DEACTIVATE = (
    'mutation {{ deactivateMember(id: "{id}") {{ member {{ isActive }} errors {{ code }} }} }}'
)
REACTIVATE = (
    'mutation {{ reactivateMember(id: "{id}") {{ member {{ isActive }} errors {{ code }} }} }}'
)


def test_members_lists_this_spas_active_team_by_name(glow, radiance, member_of, signed_in):
    member_of(glow, Role.PROVIDER, name="Bea Lane")
    member_of(glow, Role.FRONT_DESK, name="Al Ford")
    gone = member_of(glow, Role.FRONT_DESK, name="Cy Old")
    gone.is_active = False
    gone.save()
    member_of(radiance, Role.OWNER, name="Elsewhere Person")
    viewer = signed_in(glow, Role.PROVIDER)

    listed = viewer.graphql("{ members(first: 50) { edges { node { name role } } } }")
    names = [edge["node"]["name"] for edge in listed.data["members"]["edges"]]
    everyone = [
        edge["node"]
        for edge in viewer.graphql(
            "{ members(first: 50, includeInactive: true) { edges { node { name } } } }"
        ).data["members"]["edges"]
    ]

    owner_name = Membership.objects.get(spa=glow, role=Role.OWNER).user.name
    assert sorted(names) == names
    assert set(names) == {"Bea Lane", "Al Ford", viewer.membership.user.name, owner_name}
    assert "Cy Old" in {m["name"] for m in everyone}


def test_members_query_count_does_not_grow_with_the_team(
    glow, member_of, signed_in, django_assert_num_queries
):
    viewer = signed_in(glow, Role.MANAGER)
    viewer.graphql("{ me { role } }")
    for _ in range(5):
        member_of(glow)
    # token, members with users (the connection is still on glow's search_path:
    # no SET)
    with django_assert_num_queries(2):
        viewer.graphql("{ members(first: 50) { edges { node { name email role } } } }")
    for _ in range(20):
        member_of(glow)
    with django_assert_num_queries(2):
        viewer.graphql("{ members(first: 50) { edges { node { name email role } } } }")


def test_owner_changes_a_role(glow, member_of, signed_in):
    member = member_of(glow, Role.FRONT_DESK)

    answer = signed_in(glow, Role.OWNER).graphql(
        CHANGE.format(id=global_id(glow, "Member", member.pk), role="MANAGER")
    )

    assert answer.data == {"changeMemberRole": {"member": {"role": "MANAGER"}, "errors": []}}
    member.refresh_from_db()
    assert member.role == Role.MANAGER


def test_the_last_owner_cannot_step_down_or_be_deactivated(glow, signed_in):
    owner = Membership.objects.get(spa=glow, role=Role.OWNER)
    client = signed_in(glow, membership=owner)

    demoted = client.graphql(CHANGE.format(id=global_id(glow, "Member", owner.pk), role="MANAGER"))
    deactivated = client.graphql(DEACTIVATE.format(id=global_id(glow, "Member", owner.pk)))

    assert demoted.data["changeMemberRole"]["errors"] == [{"code": "LAST_OWNER"}]
    assert deactivated.data["deactivateMember"]["errors"] == [{"code": "LAST_OWNER"}]
    owner.refresh_from_db()
    assert (owner.role, owner.is_active) == (Role.OWNER, True)


def test_with_a_second_owner_one_may_step_down(glow, member_of, signed_in):
    owner = Membership.objects.get(spa=glow, role=Role.OWNER)
    member_of(glow, Role.OWNER)

    answer = signed_in(glow, membership=owner).graphql(
        CHANGE.format(id=global_id(glow, "Member", owner.pk), role="MANAGER")
    )

    assert answer.data["changeMemberRole"]["errors"] == []


def test_manager_cannot_touch_an_owner_or_make_one(glow, member_of, signed_in):
    owner = Membership.objects.get(spa=glow, role=Role.OWNER)
    member = member_of(glow, Role.PROVIDER)
    manager = signed_in(glow, Role.MANAGER)

    assert manager.graphql(DEACTIVATE.format(id=global_id(glow, "Member", owner.pk))).data[
        "deactivateMember"
    ]["errors"] == [{"code": "ROLE_NOT_ALLOWED"}]
    assert manager.graphql(
        CHANGE.format(id=global_id(glow, "Member", member.pk), role="OWNER")
    ).data["changeMemberRole"]["errors"] == [{"code": "ROLE_NOT_ALLOWED"}]


def test_deactivated_member_is_signed_out_at_once_and_can_come_back(glow, member_of, signed_in):
    member = member_of(glow, Role.PROVIDER)
    their_client = signed_in(glow, membership=member)
    owner = signed_in(glow, Role.OWNER)

    owner.graphql(DEACTIVATE.format(id=global_id(glow, "Member", member.pk)))
    refused = their_client.graphql("{ me { role } }")
    back = owner.graphql(REACTIVATE.format(id=global_id(glow, "Member", member.pk)))

    assert refused.status == 401
    assert back.data == {"reactivateMember": {"member": {"isActive": True}, "errors": []}}
    # their old tokens were revoked: a new sign-in is needed
    assert their_client.graphql("{ me { role } }").status == 401


@pytest.mark.parametrize("template", [CHANGE.replace("{role}", "MANAGER"), DEACTIVATE, REACTIVATE])
def test_members_of_another_spa_are_not_found(glow, radiance, member_of, signed_in, template):
    elsewhere = member_of(radiance, Role.PROVIDER)

    answer = signed_in(glow, Role.OWNER).graphql(
        # an ID as glow's API would mint it, for a row that is radiance's
        template.format(id=global_id(glow, "Member", elsewhere.pk))
    )

    payload = next(iter(answer.data.values()))
    assert payload["errors"] == [{"code": "NOT_FOUND"}]
    elsewhere.refresh_from_db()
    assert (elsewhere.role, elsewhere.is_active) == (Role.PROVIDER, True)


def test_nonsense_ids_are_not_found(glow, signed_in):
    answer = signed_in(glow, Role.OWNER).graphql(DEACTIVATE.format(id="abc"))
    assert answer.data["deactivateMember"]["errors"] == [{"code": "NOT_FOUND"}]


def test_team_records_are_nodes_bound_to_this_spa(glow, radiance, member_of, signed_in):
    member = member_of(glow, Role.PROVIDER, name="Bea Lane")
    elsewhere = member_of(radiance, Role.PROVIDER)
    viewer = signed_in(glow, Role.FRONT_DESK)
    node = "query N($id: ID!) { node(id: $id) { id ... on Member { name } } }"

    me = viewer.graphql("{ me { memberId } }").data["me"]
    own = viewer.graphql(node, {"id": me["memberId"]}).data["node"]
    found = viewer.graphql(node, {"id": global_id(glow, "Member", member.pk)}).data["node"]
    foreign = viewer.graphql(node, {"id": global_id(radiance, "Member", elsewhere.pk)})

    assert own["id"] == me["memberId"]
    assert found == {"id": global_id(glow, "Member", member.pk), "name": "Bea Lane"}
    assert foreign.data["node"] is None


def test_invitations_page_by_cursor_and_are_nodes_for_managers_only(glow, signed_in):
    owner = signed_in(glow, Role.OWNER)
    for n in range(3):
        owner.graphql(
            f'mutation {{ inviteMember(email: "p{n}@glow.example", role: FRONT_DESK) '
            "{ errors { code } } }"
        )
    page = "query P($after: String) { invitations(first: 2, after: $after) { totalCount "
    page += "pageInfo { hasNextPage endCursor } edges { node { id email } } } }"

    first = owner.graphql(page).data["invitations"]
    rest = owner.graphql(page, {"after": first["pageInfo"]["endCursor"]}).data["invitations"]
    desk = signed_in(glow, Role.FRONT_DESK).graphql(
        "query N($id: ID!) { node(id: $id) { id } }",
        {"id": first["edges"][0]["node"]["id"]},
    )

    emails = [e["node"]["email"] for e in first["edges"] + rest["edges"]]
    assert emails == ["p2@glow.example", "p1@glow.example", "p0@glow.example"]  # newest first
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (3, True)
    assert rest["pageInfo"]["hasNextPage"] is False
    assert desk.data["node"] is None
