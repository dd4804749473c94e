"""Why a write to staff profiles, credentials, working hours or time off is
refused (tenant_apps/staff/services.py); the API's `StaffErrorCode`."""

from core.errors import ErrorCode


class StaffErrorCode(ErrorCode):
    NOT_FOUND = "NOT_FOUND"
    NAME_REQUIRED = "NAME_REQUIRED"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    CREDENTIAL_UNKNOWN = "CREDENTIAL_UNKNOWN"
    LICENCE_REQUIRED = "LICENCE_REQUIRED"
    REGION_REQUIRED = "REGION_REQUIRED"
    EXPIRY_IN_PAST = "EXPIRY_IN_PAST"
    TOO_LONG = "TOO_LONG"
    HOURS_INVALID = "HOURS_INVALID"
    HOURS_OVERLAP = "HOURS_OVERLAP"
    LOCATION_NOT_FOUND = "LOCATION_NOT_FOUND"
    LOCATION_INACTIVE = "LOCATION_INACTIVE"
    RANGE_INVALID = "RANGE_INVALID"
    KIND_INVALID = "KIND_INVALID"
