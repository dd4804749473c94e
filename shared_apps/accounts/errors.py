"""The accounts' error codes (core/errors.py): the API's, and the console's own."""

from core.errors import ErrorCode


class AccountErrorCode(ErrorCode):
    """Sign-in, passwords, invitations and the team, on a spa's API (`AccountErrorCode`)."""

    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"
    EMAIL_INVALID = "EMAIL_INVALID"
    ALREADY_MEMBER = "ALREADY_MEMBER"
    ROLE_INVALID = "ROLE_INVALID"
    ROLE_NOT_ALLOWED = "ROLE_NOT_ALLOWED"
    NOT_FOUND = "NOT_FOUND"
    LAST_OWNER = "LAST_OWNER"
    INVITATION_INVALID = "INVITATION_INVALID"
    INVITATION_EXPIRED = "INVITATION_EXPIRED"
    NAME_REQUIRED = "NAME_REQUIRED"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"  # noqa: S105 (a code, not a password)
    RESET_LINK_INVALID = "RESET_LINK_INVALID"
    PHONE_INVALID = "PHONE_INVALID"
    IMPERSONATION_FORBIDDEN = "IMPERSONATION_FORBIDDEN"


class ImpersonationErrorCode(ErrorCode):
    """Starting and ending a console impersonation (shown at the console, not in the API)."""

    NOT_PLATFORM_STAFF = "NOT_PLATFORM_STAFF"
    REASON_REQUIRED = "REASON_REQUIRED"
    REASON_TOO_LONG = "REASON_TOO_LONG"
    DURATION_INVALID = "DURATION_INVALID"
    MEMBER_INACTIVE = "MEMBER_INACTIVE"
    SPA_NOT_OPEN = "SPA_NOT_OPEN"
    NOT_FOUND = "NOT_FOUND"
    IMPERSONATION_ENDED = "IMPERSONATION_ENDED"


class OwnerErrorCode(ErrorCode):
    """Resending the owner's welcome link (the console's)."""

    OWNER_INACTIVE = "OWNER_INACTIVE"
    OWNER_HAS_PASSWORD = "OWNER_HAS_PASSWORD"  # noqa: S105 (a code, not a password)
