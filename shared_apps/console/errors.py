"""The console's error codes (core/errors.py): what only the console refuses.

Shown to platform staff as messages; no API carries them."""

from core.errors import ErrorCode


class ConsoleErrorCode(ErrorCode):
    REASON_REQUIRED = "REASON_REQUIRED"
    STATUS_TRANSITION_INVALID = "STATUS_TRANSITION_INVALID"
    PLAN_UNCHANGED = "PLAN_UNCHANGED"
    PLAN_NOT_FOUND = "PLAN_NOT_FOUND"
    NOT_FOUND = "NOT_FOUND"
    DNS_NOT_CHECKED = "DNS_NOT_CHECKED"
    DOMAIN_VERIFIED = "DOMAIN_VERIFIED"
    SPA_PROVISIONING = "SPA_PROVISIONING"
    EVENT_NOT_REPLAYABLE = "EVENT_NOT_REPLAYABLE"
