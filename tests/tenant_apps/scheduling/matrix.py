"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "appointments": (
        '{ appointments(first: 5, from: "2030-01-07T00:00:00Z", to: "2030-01-08T00:00:00Z") '
        "{ edges { node { id } } } }",
        MEMBERS,
    ),
    "daySchedule": (
        '{ daySchedule(first: 5, date: "2030-01-07", locationId: "x") { edges { node { id } } } }',
        MEMBERS,
    ),
    "weekSchedule": (
        '{ weekSchedule(first: 5, weekOf: "2030-01-07", locationId: "x") '
        "{ edges { node { id } } } }",
        MEMBERS,
    ),
    "availability": (
        '{ availability(locationId: "x", serviceIds: ["y"], from: "2030-01-07", '
        'to: "2030-01-08") { startsAt } }',
        MEMBERS,
    ),
    "bookAppointment": (
        'mutation { bookAppointment(input: {clientId: "x", providerId: "x", locationId: "x", '
        'serviceIds: ["x"], startsAt: "2030-01-07T15:00:00Z"}) { errors { code } } }',
        MEMBERS,
    ),
    "rescheduleAppointment": (
        'mutation { rescheduleAppointment(id: "x", startsAt: "2030-01-07T15:00:00Z") '
        "{ errors { code } } }",
        MEMBERS,
    ),
    "cancelAppointment": (
        'mutation { cancelAppointment(id: "x", reason: "Ill") { errors { code } } }',
        MEMBERS,
    ),
    "confirmAppointment": ('mutation { confirmAppointment(id: "x") { errors { code } } }', MEMBERS),
    "completeAppointment": (
        'mutation { completeAppointment(id: "x") { errors { code } } }',
        MEMBERS,
    ),
    "markNoShow": ('mutation { markNoShow(id: "x") { errors { code } } }', MEMBERS),
    "updateAppointmentNotes": (
        'mutation { updateAppointmentNotes(id: "x", notes: "") { errors { code } } }',
        MEMBERS,
    ),
}
