"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import OWNERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "clientAuditLog": (
        '{ clientAuditLog(clientId: "eA", first: 5) { edges { node { seq } } } }',
        OWNERS,
    ),
}
