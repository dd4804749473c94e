"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import FRONT_OFFICE, MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "client": ('{ client(id: "eA") { id } }', MEMBERS),
    "clients": ("{ clients(first: 5) { edges { node { id } } } }", MEMBERS),
    "createClient": (
        'mutation { createClient(input: {firstName: "Ava"}) { errors { code } } }',
        FRONT_OFFICE,
    ),
    "updateClient": (
        'mutation { updateClient(id: "eA", input: {notes: ""}) { errors { code } } }',
        FRONT_OFFICE,
    ),
    "archiveClient": ('mutation { archiveClient(id: "eA") { errors { code } } }', FRONT_OFFICE),
    "restoreClient": ('mutation { restoreClient(id: "eA") { errors { code } } }', FRONT_OFFICE),
    "mergeClients": (
        'mutation { mergeClients(survivorId: "eA", duplicateId: "eB") { errors { code } } }',
        FRONT_OFFICE,
    ),
}
