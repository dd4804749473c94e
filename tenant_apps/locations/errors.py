"""Why a write to locations, opening hours, resource types or resources is refused.

The API's enum keeps the name it had when scheduling held these:
`SchedulingErrorCode` (tenant_apps/locations/graphql/types.py).
"""

from core.errors import ErrorCode


class LocationErrorCode(ErrorCode):
    NOT_FOUND = "NOT_FOUND"
    NAME_REQUIRED = "NAME_REQUIRED"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    NAME_TAKEN = "NAME_TAKEN"
    TIMEZONE_INVALID = "TIMEZONE_INVALID"
    COUNTRY_INVALID = "COUNTRY_INVALID"
    PHONE_INVALID = "PHONE_INVALID"
    TOO_LONG = "TOO_LONG"
    HOURS_INVALID = "HOURS_INVALID"
    HOURS_OVERLAP = "HOURS_OVERLAP"
    KIND_INVALID = "KIND_INVALID"
    IN_USE = "IN_USE"
    PLAN_LIMIT_REACHED = "PLAN_LIMIT_REACHED"
