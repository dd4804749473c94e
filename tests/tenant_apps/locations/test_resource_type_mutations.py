"""Creating and changing resource types."""

from core.graphql.relay import to_global_id
from tenant_apps.locations.models import ResourceKind, ResourceType
from tests.tenant_apps.locations.factories import ResourceTypeFactory, on_spa

CREATE = """
mutation($input: CreateResourceTypeInput!) {
  createResourceType(input: $input) { resourceType { name kind } errors { field code } }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateResourceTypeInput!) {
  updateResourceType(id: $id, input: $input) { resourceType { name kind } errors { field code } }
}
"""


def test_manager_adds_and_changes_a_resource_type(glow, signed_in):
    client = signed_in(glow, "manager")

    created = client.graphql(CREATE, {"input": {"name": " CO2 laser ", "kind": "DEVICE"}})
    with on_spa(glow):
        resource_type_id = to_global_id("ResourceType", ResourceType.objects.get().pk)
    updated = client.graphql(UPDATE, {"id": resource_type_id, "input": {"name": "Fraxel"}})

    assert created.data["createResourceType"] == {
        "resourceType": {"name": "CO2 laser", "kind": "DEVICE"},
        "errors": [],
    }
    assert updated.data["updateResourceType"] == {
        "resourceType": {"name": "Fraxel", "kind": "DEVICE"},
        "errors": [],
    }


def test_names_are_required_and_unique_ignoring_case(glow, signed_in):
    with on_spa(glow):
        ResourceTypeFactory(name="Treatment room")
        other = ResourceTypeFactory(name="Laser room")
        other_id = to_global_id("ResourceType", other.pk)
    client = signed_in(glow, "owner")

    blank = client.graphql(CREATE, {"input": {"name": "", "kind": "ROOM"}})
    taken = client.graphql(CREATE, {"input": {"name": "treatment ROOM", "kind": "ROOM"}})
    renamed = client.graphql(UPDATE, {"id": other_id, "input": {"name": "Treatment Room"}})

    assert blank.data["createResourceType"]["errors"] == [
        {"field": "name", "code": "NAME_REQUIRED"}
    ]
    assert taken.data["createResourceType"]["errors"] == [{"field": "name", "code": "NAME_TAKEN"}]
    assert renamed.data["updateResourceType"]["errors"] == [{"field": "name", "code": "NAME_TAKEN"}]
    with on_spa(glow):
        assert sorted(ResourceType.objects.values_list("name", flat=True)) == [
            "Laser room",
            "Treatment room",
        ]


def test_a_resource_type_id_from_another_spa_changes_nothing(glow, radiance, signed_in):
    with on_spa(glow):
        room = ResourceTypeFactory(name="Room A")
        glow_id = to_global_id("ResourceType", room.pk)
    with on_spa(radiance):
        twin = ResourceTypeFactory(name="Room B", pk=room.pk)

    answer = signed_in(radiance, "owner").graphql(
        UPDATE, {"id": glow_id, "input": {"kind": "DEVICE"}}
    )

    assert answer.data["updateResourceType"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    with on_spa(radiance):
        twin.refresh_from_db()
    assert twin.kind == ResourceKind.ROOM


def test_front_desk_cannot_add_resource_types(glow, signed_in):
    answer = signed_in(glow, "front_desk").graphql(
        CREATE, {"input": {"name": "Room", "kind": "ROOM"}}
    )

    assert answer.error_codes == ["FORBIDDEN"]
    with on_spa(glow):
        assert not ResourceType.objects.exists()
