"""Why the forms services refuse: the codes of `FormError`.

Errors about a template's schema name the path of the offending part
(`sections.0.fields.3.options`); errors about answers name the field's key and
never repeat the answer (it may be PHI)."""

from core.errors import ErrorCode


class FormErrorCode(ErrorCode):
    NOT_FOUND = "NOT_FOUND"
    VALUE_INVALID = "VALUE_INVALID"
    NAME_TAKEN = "NAME_TAKEN"
    RENEWAL_INVALID = "RENEWAL_INVALID"
    ARCHIVED = "ARCHIVED"
    # The template's schema (tenant_apps/forms/schema.py).
    FORM_SCHEMA_INVALID = "FORM_SCHEMA_INVALID"
    FORM_SCHEMA_TOO_LARGE = "FORM_SCHEMA_TOO_LARGE"
    KEY_INVALID = "KEY_INVALID"
    KEY_DUPLICATE = "KEY_DUPLICATE"
    FIELD_TYPE_INVALID = "FIELD_TYPE_INVALID"
    OPTIONS_INVALID = "OPTIONS_INVALID"
    CONDITION_INVALID = "CONDITION_INVALID"
    MAPS_TO_INVALID = "MAPS_TO_INVALID"
    TEXT_TOO_LONG = "TEXT_TOO_LONG"
    DRAFT_EMPTY = "DRAFT_EMPTY"
    # Answers to a version.
    ANSWER_REQUIRED = "ANSWER_REQUIRED"
    ANSWER_INVALID = "ANSWER_INVALID"
    ANSWER_UNKNOWN = "ANSWER_UNKNOWN"
    ANSWER_HIDDEN = "ANSWER_HIDDEN"
    ANSWER_OUT_OF_RANGE = "ANSWER_OUT_OF_RANGE"
    ANSWER_TOO_LONG = "ANSWER_TOO_LONG"
    # Recording a response.
    DECISION_INVALID = "DECISION_INVALID"
    PHOTO_SCOPE_INVALID = "PHOTO_SCOPE_INVALID"
    SIGNATURE_REQUIRED = "SIGNATURE_REQUIRED"
    CLIENT_ARCHIVED = "CLIENT_ARCHIVED"
    APPOINTMENT_MISMATCH = "APPOINTMENT_MISMATCH"
