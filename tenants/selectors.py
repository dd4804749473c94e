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


def spa_schemas_behind() -> dict[str, int]:
    """Spas whose schema lacks migrations the code has: slug -> how many.

    One query over every spa's django_migrations (in chunks), compared with the
    migrations on disk.
    """
    from django.db import connection

    from tenants.schema_template import code_migrations

    expected = code_migrations()
    spas = list(Spa.objects.exclude(status="provisioning").values_list("slug", "schema_name"))
    behind: dict[str, int] = {}
    for start in range(0, len(spas), 200):
        chunk = spas[start : start + 200]
        union = " UNION ALL ".join(
            f'SELECT %s, app, name FROM "{schema}".django_migrations'  # noqa: S608 (schema names are derived from slugs)
            for _, schema in chunk
        )
        with connection.cursor() as cursor:
            cursor.execute(union, [slug for slug, _ in chunk])
            applied: dict[str, set[tuple[str, str]]] = {slug: set() for slug, _ in chunk}
            for slug, app, name in cursor.fetchall():
                applied[slug].add((app, name))
        for slug, done in applied.items():
            missing = len(expected - done)
            if missing:
                behind[slug] = missing
    return behind
