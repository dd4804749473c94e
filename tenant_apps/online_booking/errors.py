"""Why the patients' booking API refuses (tenant_apps/online_booking/selectors.py and
services/); the API's `BookingErrorCode`. What a location or services
refuse comes from the calendar's checks (`scheduling.selectors.availability.bookable_*`),
with codes of the same names."""

from core.errors import ErrorCode


class BookingErrorCode(ErrorCode):
    ONLINE_BOOKING_DISABLED = "ONLINE_BOOKING_DISABLED"
    NOT_FOUND = "NOT_FOUND"
    SERVICES_INVALID = "SERVICES_INVALID"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    RANGE_INVALID = "RANGE_INVALID"
    START_INVALID = "START_INVALID"
    OUTSIDE_POLICY = "OUTSIDE_POLICY"
    SLOT_TAKEN = "SLOT_TAKEN"
    NAME_REQUIRED = "NAME_REQUIRED"
    EMAIL_REQUIRED = "EMAIL_REQUIRED"
    EMAIL_INVALID = "EMAIL_INVALID"
    PHONE_REQUIRED = "PHONE_REQUIRED"
    PHONE_INVALID = "PHONE_INVALID"
    TOO_LONG = "TOO_LONG"
    # The date of birth, asked when a chosen service requires forms (the forms
    # link asks for it, tenant_apps/forms/links.py).
    DATE_OF_BIRTH_REQUIRED = "DATE_OF_BIRTH_REQUIRED"
    DATE_OF_BIRTH_IN_FUTURE = "DATE_OF_BIRTH_IN_FUTURE"
    DATE_OF_BIRTH_INVALID = "DATE_OF_BIRTH_INVALID"
    RATE_LIMITED = "RATE_LIMITED"
    TOKEN_INVALID = "TOKEN_INVALID"  # noqa: S105 (an error code, not a secret)
    NOT_CHANGEABLE = "NOT_CHANGEABLE"
    OUTSIDE_CANCELLATION_WINDOW = "OUTSIDE_CANCELLATION_WINDOW"
    # The waitlist (tenant_apps/messaging/waitlist.py), joined and claimed online.
    WINDOW_INVALID = "WINDOW_INVALID"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    OFFER_GONE = "OFFER_GONE"
    CLIENT_ARCHIVED = "CLIENT_ARCHIVED"
