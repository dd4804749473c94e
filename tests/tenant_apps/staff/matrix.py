"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MANAGERS, MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "staff": ("{ staff(first: 5) { edges { node { id } } } }", MEMBERS),
    "updateStaffMember": (
        'mutation { updateStaffMember(id: "x", input: {isActive: true}) { errors { code } } }',
        MANAGERS,
    ),
    "setCredential": (
        'mutation { setCredential(staffMemberId: "x", input: {kind: RN, licenceNumber: "RN1", '
        'issuingRegion: "NY", expiresOn: "2999-01-01"}) { errors { code } } }',
        MANAGERS,
    ),
    "removeCredential": ('mutation { removeCredential(id: "x") { errors { code } } }', MANAGERS),
    "setWorkingHours": (
        'mutation { setWorkingHours(staffMemberId: "x", locationId: "y", hours: []) '
        "{ errors { code } } }",
        MANAGERS,
    ),
    "addTimeOff": (
        'mutation { addTimeOff(staffMemberId: "x", input: {startsAt: "2030-01-01T09:00:00Z", '
        'endsAt: "2030-01-01T10:00:00Z"}) { errors { code } } }',
        MANAGERS,
    ),
    "removeTimeOff": ('mutation { removeTimeOff(id: "x") { errors { code } } }', MANAGERS),
}
