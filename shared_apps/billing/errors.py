"""Billing's error codes (core/errors.py): the owner's subscription on a spa's API."""

from core.errors import ErrorCode


class BillingErrorCode(ErrorCode):
    PLAN_NOT_FOUND = "PLAN_NOT_FOUND"
    PLAN_NOT_AVAILABLE = "PLAN_NOT_AVAILABLE"
    ALREADY_SUBSCRIBED = "ALREADY_SUBSCRIBED"
    NO_SUBSCRIPTION = "NO_SUBSCRIPTION"
    NO_BILLING_ACCOUNT = "NO_BILLING_ACCOUNT"
    BILLING_PROVIDER_UNAVAILABLE = "BILLING_PROVIDER_UNAVAILABLE"
