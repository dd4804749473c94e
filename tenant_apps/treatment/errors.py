"""Why the treatment gate refuses (tenant_apps/treatment/gate.py and its API);
`TreatmentErrorCode`. The check-in it guards also refuses with the calendar's
own codes (scheduling's AppointmentErrorCode), listed here again."""

from core.errors import ErrorCode


class TreatmentErrorCode(ErrorCode):
    # The calendar's (a check-in is a status change).
    NOT_FOUND = "NOT_FOUND"
    TRANSITION_INVALID = "TRANSITION_INVALID"
    CLIENT_ARCHIVED = "CLIENT_ARCHIVED"
    TOO_LONG = "TOO_LONG"
    REASON_REQUIRED = "REASON_REQUIRED"
    TOO_EARLY = "TOO_EARLY"
    # The gate's.
    TREATMENT_GATE_BLOCKED = "TREATMENT_GATE_BLOCKED"
    OVERRIDE_NOT_ALLOWED = "OVERRIDE_NOT_ALLOWED"
    # The patient said no: no override treats them against their decision.
    CONSENT_DECLINED = "CONSENT_DECLINED"
    TOO_MANY_IDS = "TOO_MANY_IDS"
