"""Reads of spas and domains."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from tenants.errors import TenancyErrorCode
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
            slug=slug,
            available=False,
            code=TenancyErrorCode.SLUG_TAKEN.value,
            message="That address is taken.",
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


@dataclass(frozen=True)
class CrossingForeignKey:
    """A foreign key between a spa schema and any other schema (either direction)."""

    constraint: str
    table: str  # schema-qualified, the referencing side
    references: str  # schema-qualified, the referenced side


def foreign_keys_crossing_spa_schemas() -> list[CrossingForeignKey]:
    """Foreign keys that break the self-contained-schema rule (docs/ARCHITECTURE.md
    section 2).

    Every spa schema and the template it is cloned from are checked, both ways:
    from a spa table to public or another spa, and from anywhere into a spa
    table. Any of these would break a per-spa dump, and a distributed schema on
    Citus can reference only tables of its own schema and reference tables
    (platform/SCALING.md). One catalog query, whatever the number of spas.
    """
    from django.db import connection

    from tenants.schema_template import template_schema

    schemas = [*Spa.objects.values_list("schema_name", flat=True), template_schema()]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT con.conname,
                   quote_ident(src_ns.nspname) || '.' || quote_ident(src.relname),
                   quote_ident(dst_ns.nspname) || '.' || quote_ident(dst.relname)
            FROM pg_constraint con
            JOIN pg_class src ON src.oid = con.conrelid
            JOIN pg_namespace src_ns ON src_ns.oid = src.relnamespace
            JOIN pg_class dst ON dst.oid = con.confrelid
            JOIN pg_namespace dst_ns ON dst_ns.oid = dst.relnamespace
            WHERE con.contype = 'f'
              AND src.relnamespace <> dst.relnamespace
              AND (src_ns.nspname = ANY(%(schemas)s) OR dst_ns.nspname = ANY(%(schemas)s))
            ORDER BY 2, 1
            """,
            {"schemas": schemas},
        )
        return [CrossingForeignKey(*row) for row in cursor.fetchall()]
