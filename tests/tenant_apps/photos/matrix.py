"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MANAGERS, MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "clientPhotos": (
        '{ clientPhotos(clientId: "eA", first: 5) { edges { node { bodyArea } } } }',
        MEMBERS,
    ),
    "clientPhotoConsent": ('{ clientPhotoConsent(clientId: "eA") }', MEMBERS),
    "photoExport": ('mutation { photoExport(ids: ["eA"]) { errors { code } } }', MANAGERS),
}

# Asked about a client that is not there: allowed, they answer null.
ANSWERS_NULL_WHEN_ALLOWED = {"clientPhotoConsent"}
