"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MANAGERS, MEMBERS, Permission

# Fields answering null for an ID that names nothing (allowed all the same).
ANSWERS_NULL_WHEN_ALLOWED = {"formTemplate", "formVersion", "formResponse", "appointmentForms"}

MATRIX: dict[str, tuple[str, Permission]] = {
    "formTemplates": ("{ formTemplates { name } }", MEMBERS),
    "formTemplate": ('{ formTemplate(id: "eA") { name } }', MEMBERS),
    "formVersion": ('{ formVersion(id: "eA") { number } }', MEMBERS),
    "serviceRequiredForms": ('{ serviceRequiredForms(serviceIds: ["eA"]) { serviceId } }', MEMBERS),
    "clientFormResponses": (
        '{ clientFormResponses(clientId: "eA", first: 5) { edges { node { decision } } } }',
        MEMBERS,
    ),
    "formResponse": ('{ formResponse(id: "eA") { decision } }', MEMBERS),
    "appointmentsForms": (
        '{ appointmentsForms(appointmentIds: ["eA"]) { appointmentId } }',
        MEMBERS,
    ),
    "appointmentForms": ('{ appointmentForms(appointmentId: "eA") { state } }', MEMBERS),
    "createFormTemplate": (
        'mutation { createFormTemplate(name: "Matrix", kind: INTAKE) { errors { code } } }',
        MANAGERS,
    ),
    "updateFormTemplate": (
        'mutation { updateFormTemplate(id: "eA", input: {name: "x"}) { errors { code } } }',
        MANAGERS,
    ),
    "saveFormDraft": (
        'mutation { saveFormDraft(id: "eA", schema: "{\\"sections\\": []}") { errors { code } } }',
        MANAGERS,
    ),
    "publishFormTemplate": (
        'mutation { publishFormTemplate(id: "eA") { errors { code } } }',
        MANAGERS,
    ),
    "archiveFormTemplate": (
        'mutation { archiveFormTemplate(id: "eA") { errors { code } } }',
        MANAGERS,
    ),
    "restoreFormTemplate": (
        'mutation { restoreFormTemplate(id: "eA") { errors { code } } }',
        MANAGERS,
    ),
    "setServiceForms": (
        'mutation { setServiceForms(serviceId: "eA", templateIds: []) { errors { code } } }',
        MANAGERS,
    ),
}
