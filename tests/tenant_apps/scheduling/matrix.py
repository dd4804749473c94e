"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from config.graphql.permissions import MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "resourceTypes": ("{ resourceTypes(first: 5) { edges { node { id } } } }", MEMBERS),
}
