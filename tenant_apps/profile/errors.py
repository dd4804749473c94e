"""Why the profile's services refuse a change: the codes of `ProfileError`."""

from core.errors import ErrorCode


class ProfileErrorCode(ErrorCode):
    EMAIL_INVALID = "EMAIL_INVALID"
    PHONE_INVALID = "PHONE_INVALID"
    URL_INVALID = "URL_INVALID"
    TOO_LONG = "TOO_LONG"
    COLOR_INVALID = "COLOR_INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    GRANULARITY_INVALID = "GRANULARITY_INVALID"
