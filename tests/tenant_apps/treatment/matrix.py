"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py),
and those of the forms links' staff mutations (tenant_apps/forms/graphql/links.py)."""

from shared_apps.accounts.permissions import FRONT_OFFICE, MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "checkInAppointment": ('mutation { checkInAppointment(id: "x") { errors { code } } }', MEMBERS),
    "appointmentReadiness": ('{ appointmentReadiness(ids: ["eA"]) { ready } }', MEMBERS),
    "sendFormsLink": (
        'mutation { sendFormsLink(appointmentId: "x", channel: EMAIL) { errors { code } } }',
        FRONT_OFFICE,
    ),
    "startTabletForms": (
        'mutation { startTabletForms(appointmentId: "x") { errors { code } } }',
        FRONT_OFFICE,
    ),
}
