"""Tenancy's error codes (core/errors.py): slugs, domains, statuses, provisioning.

The console shows them; signup (shared_apps/lifecycle/errors.py) and the public
`slugAvailability` pass the slug codes on."""

from core.errors import ErrorCode


class TenancyErrorCode(ErrorCode):
    SLUG_REQUIRED = "SLUG_REQUIRED"
    SLUG_INVALID = "SLUG_INVALID"
    SLUG_RESERVED = "SLUG_RESERVED"
    SLUG_TAKEN = "SLUG_TAKEN"
    NAME_REQUIRED = "NAME_REQUIRED"
    NAME_TOO_LONG = "NAME_TOO_LONG"
    EMAIL_INVALID = "EMAIL_INVALID"
    TIMEZONE_INVALID = "TIMEZONE_INVALID"
    STATUS_INVALID = "STATUS_INVALID"
    STATUS_TRANSITION_INVALID = "STATUS_TRANSITION_INVALID"
    DOMAIN_INVALID = "DOMAIN_INVALID"
    DOMAIN_TAKEN = "DOMAIN_TAKEN"
    DOMAIN_RESERVED = "DOMAIN_RESERVED"
    SPA_NOT_PROVISIONING = "SPA_NOT_PROVISIONING"
    SCHEMA_NOT_OWNED = "SCHEMA_NOT_OWNED"
