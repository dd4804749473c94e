"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MANAGERS, MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "resourceTypes": ("{ resourceTypes(first: 5) { edges { node { id } } } }", MEMBERS),
    "locations": ("{ locations(first: 5) { edges { node { id } } } }", MEMBERS),
    "createLocation": (
        'mutation { createLocation(input: {name: "X", timezone: "America/New_York"}) '
        "{ errors { code } } }",
        MANAGERS,
    ),
    "updateLocation": (
        'mutation { updateLocation(id: "x", input: {name: "Y"}) { errors { code } } }',
        MANAGERS,
    ),
    "setLocationHours": (
        'mutation { setLocationHours(locationId: "x", hours: []) { errors { code } } }',
        MANAGERS,
    ),
    "createResourceType": (
        'mutation { createResourceType(input: {name: "Room", kind: ROOM}) { errors { code } } }',
        MANAGERS,
    ),
    "updateResourceType": (
        'mutation { updateResourceType(id: "x", input: {name: "Y"}) { errors { code } } }',
        MANAGERS,
    ),
    "resources": ("{ resources(first: 5) { edges { node { id } } } }", MEMBERS),
    "createResource": (
        'mutation { createResource(input: {locationId: "x", resourceTypeId: "y", name: "R"}) '
        "{ errors { code } } }",
        MANAGERS,
    ),
    "updateResource": (
        'mutation { updateResource(id: "x", input: {name: "R"}) { errors { code } } }',
        MANAGERS,
    ),
}
