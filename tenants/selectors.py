"""Reads of spas and domains."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from tenants.models import Spa
from tenants.validators import validate_slug


def spa_get(*, slug: str) -> Spa | None:
    return Spa.objects.filter(slug=slug).first()


@dataclass(frozen=True)
class SlugAvailability:
    slug: str
    available: bool
    code: str | None = None
    message: str | None = None


def slug_availability(*, slug: str) -> SlugAvailability:
    """Whether a new spa could take `slug`, and if not, why (for the signup form)."""
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
    except ValidationError as exc:
        return SlugAvailability(slug=slug, available=False, code=exc.code, message=exc.messages[0])
    if Spa.objects.filter(slug=slug).exists():
        return SlugAvailability(
            slug=slug, available=False, code="SLUG_TAKEN", message="That address is taken."
        )
    return SlugAvailability(slug=slug, available=True)
