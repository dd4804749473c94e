"""The lifecycle's error codes (core/errors.py): signup, and restoring an export."""

from core.errors import ErrorCode


class SignUpErrorCode(ErrorCode):
    """Self-serve signup on the public API (`SignUpErrorCode`)."""

    SLUG_REQUIRED = "SLUG_REQUIRED"
    SLUG_INVALID = "SLUG_INVALID"
    SLUG_RESERVED = "SLUG_RESERVED"
    SLUG_TAKEN = "SLUG_TAKEN"
    NAME_REQUIRED = "NAME_REQUIRED"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    EMAIL_INVALID = "EMAIL_INVALID"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"  # noqa: S105 (a code, not a password)
    PLAN_NOT_FOUND = "PLAN_NOT_FOUND"
    TIMEZONE_INVALID = "TIMEZONE_INVALID"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"


class RestoreErrorCode(ErrorCode):
    """Restoring a spa from an export (`manage.py spa restore`)."""

    ARCHIVE_INVALID = "ARCHIVE_INVALID"
    ARCHIVE_MIGRATIONS_DIFFER = "ARCHIVE_MIGRATIONS_DIFFER"
    RESTORE_MISMATCH = "RESTORE_MISMATCH"
