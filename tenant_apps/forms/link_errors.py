"""Why a patient's forms link, or a form sent through it, is refused
(tenant_apps/forms/links.py, tenant_apps/forms/patient.py); the patient API's
`FormLinkErrorCode`. Messages never repeat an answer (it may be PHI)."""

from core.errors import ErrorCode


class FormLinkErrorCode(ErrorCode):
    # Unknown, expired, used or revoked: all alike, so a guess learns nothing.
    LINK_INVALID = "LINK_INVALID"
    DATE_OF_BIRTH_MISMATCH = "DATE_OF_BIRTH_MISMATCH"
    NOT_FOUND = "NOT_FOUND"
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    ANSWERS_INVALID = "ANSWERS_INVALID"
    DECISION_INVALID = "DECISION_INVALID"
    PHOTO_SCOPE_INVALID = "PHOTO_SCOPE_INVALID"
    SIGNATURE_REQUIRED = "SIGNATURE_REQUIRED"
    SIGNATURE_INVALID = "SIGNATURE_INVALID"
    INTENT_REQUIRED = "INTENT_REQUIRED"
    ELECTRONIC_CONSENT_REQUIRED = "ELECTRONIC_CONSENT_REQUIRED"
    DISCLOSURE_OUTDATED = "DISCLOSURE_OUTDATED"
    UPLOAD_INVALID = "UPLOAD_INVALID"
    RATE_LIMITED = "RATE_LIMITED"
    # Staff side: sending a link, the tablet.
    NOTHING_OUTSTANDING = "NOTHING_OUTSTANDING"
    NO_ADDRESS = "NO_ADDRESS"
    DATE_OF_BIRTH_MISSING = "DATE_OF_BIRTH_MISSING"
    CHANNEL_INVALID = "CHANNEL_INVALID"
    APPOINTMENT_CLOSED = "APPOINTMENT_CLOSED"
