"""The signed-in person changing their own name and phone."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core.errors import field_error
from shared_apps.accounts.errors import AccountErrorCode
from shared_apps.accounts.models import User
from tenant_apps.profile.services import phone_to_e164


def me_update(*, user: User, name: str | None = None, phone: str | None = None) -> User:
    """Change one's own name or phone (E.164; an empty string clears it)."""
    errors: dict[str, ValidationError] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = field_error(AccountErrorCode.NAME_REQUIRED, "Enter your name.")
        elif len(name) > 150:
            errors["name"] = field_error(AccountErrorCode.NAME_TOO_LONG, "The name is too long.")
        else:
            user.name = name
    if phone is not None:
        try:
            user.phone = phone_to_e164(phone) if phone.strip() else ""
        except ValidationError as exc:
            errors["phone"] = exc
    if errors:
        raise ValidationError(errors)
    user.save(update_fields=["name", "phone"])
    return user
