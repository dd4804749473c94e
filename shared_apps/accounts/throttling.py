"""django-axes hooks: what counts as the same account."""

from typing import Any

from shared_apps.accounts.models import normalize_email


def username_from_credentials(request: Any, credentials: dict[str, Any] | None) -> str:
    """Failures for "Ann@Glow.example" and "ann@glow.example" count together.

    Sign-in passes the address as `email`; axes' own handlers (a success
    resetting the count) pass it as `username`."""
    credentials = credentials or {}
    return normalize_email(credentials.get("email") or credentials.get("username") or "")
