"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import FRONT_OFFICE, MANAGERS, MEMBERS, Permission

MATRIX: dict[str, tuple[str, Permission]] = {
    "messagingSettings": ("{ messagingSettings { waitlistMode } }", MEMBERS),
    "messageTemplates": ("{ messageTemplates { kind } }", MEMBERS),
    "clientMessagingConsents": (
        '{ clientMessagingConsents(clientId: "eA") { states { allowed } } }',
        FRONT_OFFICE,
    ),
    "messages": ("{ messages(first: 5) { edges { node { status } } } }", FRONT_OFFICE),
    "waitlistEntries": (
        "{ waitlistEntries(first: 5) { edges { node { status } } } }",
        FRONT_OFFICE,
    ),
    "previewMessageTemplate": (
        'mutation { previewMessageTemplate(kind: REMINDER, channel: SMS, body: "x") '
        "{ errors { code } } }",
        MEMBERS,
    ),
    "saveMessageTemplate": (
        'mutation { saveMessageTemplate(kind: REMINDER, channel: SMS, body: "x") '
        "{ errors { code } } }",
        MANAGERS,
    ),
    "resetMessageTemplate": (
        "mutation { resetMessageTemplate(kind: REMINDER, channel: SMS) { errors { code } } }",
        MANAGERS,
    ),
    "setReminderSchedule": (
        "mutation { setReminderSchedule(rules: []) { errors { code } } }",
        MANAGERS,
    ),
    "updateMessagingSettings": (
        "mutation { updateMessagingSettings { errors { code } } }",
        MANAGERS,
    ),
    "recordMessagingConsent": (
        'mutation { recordMessagingConsent(clientId: "eA", channel: SMS, purpose: MARKETING, '
        'granted: true, source: WEB_FORM, textShown: "x") { errors { code } } }',
        FRONT_OFFICE,
    ),
    "addToWaitlist": (
        'mutation { addToWaitlist(clientId: "eA", serviceId: "eA", locationId: "eA", '
        'earliest: "2030-01-01", latest: "2030-01-02") { errors { code } } }',
        FRONT_OFFICE,
    ),
    "cancelWaitlistEntry": (
        'mutation { cancelWaitlistEntry(id: "eA") { errors { code } } }',
        FRONT_OFFICE,
    ),
    "claimWaitlistOffer": (
        'mutation { claimWaitlistOffer(id: "eA") { errors { code } } }',
        FRONT_OFFICE,
    ),
}
