"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MANAGERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "updateSpaProfile": (
        "mutation { updateSpaProfile(input: {}) { errors { code } } }",
        MANAGERS,
    ),
}
