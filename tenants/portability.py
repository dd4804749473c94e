"""One spa out and back in: the disaster-recovery path for a single spa.

An export is a .tar.gz holding
- `manifest.json`: the spa (name, timezone, status, owner), the migrations its
  schema had, every table with its row count and checksum, its domains and its
  team (emails and roles);
- `tables/<table>.csv`: each table of the spa's schema, by PostgreSQL's COPY.
It is read in one REPEATABLE READ snapshot, so it is consistent.

A restore provisions a fresh spa (under the same slug, or a new one) by the
usual template clone, loads every table with COPY, moves identity sequences past
the loaded ids, and checks every table's checksum against the manifest, all in
one transaction: either the spa's data is back exactly, or nothing of it is.
The team is re-linked by email (a person without an account gets one, without a
password). The archive must come from the same migration state as the code.
"""

from __future__ import annotations

import contextlib
import io
import json
import tarfile
from pathlib import Path
from typing import Any

import psycopg
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tenants.db import connection
from tenants.models import Spa, SpaStatus
from tenants.services import (
    domain_add,
    platform_subdomain,
    spa_provision,
    spa_provision_cancel,
    spa_set_status,
)

FORMAT = "medspa-spa-export/1"


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor, schema: str) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables "
        "WHERE schemaname = %s AND tablename <> 'django_migrations' ORDER BY tablename",
        [schema],
    )
    return [row[0] for row in cursor.fetchall()]


def _checksum(cursor, schema: str, table: str) -> tuple[int, str]:
    cursor.execute(
        f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "  # noqa: S608
        f"FROM {_qi(schema)}.{_qi(table)} t"
    )
    count, checksum = cursor.fetchone()
    return count, checksum


def spa_export(*, spa: Spa, path: Path) -> dict[str, Any]:
    """Write `spa`'s schema and its public rows to the archive at `path`; return the manifest."""
    if connection.in_atomic_block:
        raise RuntimeError("spa_export reads one snapshot in a transaction of its own")
    schema = spa.schema_name
    files: dict[str, bytes] = {}
    # One snapshot for every table: REPEATABLE READ, set on the driver so that it
    # opens the transaction (django-tenants may send SET search_path first).
    connection.ensure_connection()
    driver = connection.connection
    previous_isolation = driver.isolation_level
    driver.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    try:
        manifest = _export_snapshot(spa=spa, schema=schema, files=files)
    finally:
        driver.isolation_level = previous_isolation
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
    return manifest


def _export_snapshot(*, spa: Spa, schema: str, files: dict[str, bytes]) -> dict[str, Any]:
    from shared_apps.accounts.models import Membership

    with transaction.atomic():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT app, name FROM {_qi(schema)}.django_migrations ORDER BY app, name"  # noqa: S608
            )
            migrations = [list(row) for row in cursor.fetchall()]
            tables = []
            for table in _tables(cursor, schema):
                rows, checksum = _checksum(cursor, schema, table)
                buffer = io.BytesIO()
                copy_sql = f"COPY {_qi(schema)}.{_qi(table)} TO STDOUT WITH (FORMAT csv, HEADER)"
                with cursor.cursor.copy(copy_sql) as copy:
                    for block in copy:
                        buffer.write(block)
                files[f"tables/{table}.csv"] = buffer.getvalue()
                tables.append({"name": table, "rows": rows, "checksum": checksum})
        members = Membership.objects.filter(spa=spa).select_related("user").order_by("pk")
        manifest = {
            "format": FORMAT,
            "exported_at": timezone.now().isoformat(),
            "spa": {
                "slug": spa.slug,
                "name": spa.name,
                "timezone": spa.timezone,
                "status": spa.status,
                "initial_status": spa.initial_status,
                "owner_email": spa.owner_email,
            },
            "migrations": migrations,
            "tables": tables,
            "domains": [
                {
                    "domain": d.domain,
                    "is_primary": d.is_primary,
                    "verified": d.verified_at is not None,
                }
                for d in spa.domains.order_by("domain")
            ],
            "team": [
                {
                    "email": m.user.email,
                    "name": m.user.name,
                    "role": m.role,
                    "is_active": m.is_active,
                }
                for m in members
            ],
        }
    return manifest


def spa_restore(*, path: Path, slug: str | None = None) -> Spa:
    """Bring an exported spa back as a new spa (its own slug, or `slug`)."""
    if connection.in_atomic_block:
        raise RuntimeError("spa_restore provisions a spa; call it outside a transaction")
    with tarfile.open(path, "r:gz") as archive:
        members = {m.name: m for m in archive.getmembers() if m.isfile()}
        if "manifest.json" not in members:
            raise ValidationError("This is not a spa export.", code="ARCHIVE_INVALID")
        manifest = json.loads(_read(archive, members["manifest.json"]))
        if manifest.get("format") != FORMAT:
            raise ValidationError("This export's format is not supported.", code="ARCHIVE_INVALID")
        data = {
            t["name"]: _read(archive, members[f"tables/{t['name']}.csv"])
            for t in manifest["tables"]
        }

    source = manifest["spa"]
    target = slug or source["slug"]
    if Spa.objects.filter(slug=target).exists():
        # Never into a live spa: spa_provision would hand back the existing one.
        raise ValidationError(
            {"slug": ValidationError("A spa with that slug exists.", code="SLUG_TAKEN")}
        )
    spa = spa_provision(
        slug=target,
        name=source["name"],
        timezone_name=source["timezone"],
        owner_email=source["owner_email"],
        status=source["initial_status"],
    )
    try:
        _load(spa=spa, manifest=manifest, data=data)
    except Exception:
        # Nothing of the spa's data was loaded (one transaction): remove the empty spa.
        Spa.objects.filter(pk=spa.pk).update(status=SpaStatus.PROVISIONING)
        spa_provision_cancel(spa=spa)
        raise
    _relink(spa=spa, manifest=manifest, same_slug=spa.slug == source["slug"])
    return spa


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    extracted = archive.extractfile(member)
    if extracted is None:
        raise ValidationError("This export is damaged.", code="ARCHIVE_INVALID")
    return extracted.read()


def _load(*, spa: Spa, manifest: dict[str, Any], data: dict[str, bytes]) -> None:
    schema = spa.schema_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {_qi(schema)}.django_migrations ORDER BY app, name"  # noqa: S608
        )
        if [list(row) for row in cursor.fetchall()] != manifest["migrations"]:
            raise ValidationError(
                "This export was made at another migration state; restore it with the release "
                "that made it.",
                code="ARCHIVE_MIGRATIONS_DIFFER",
            )
        tables = _tables(cursor, schema)
        if sorted(tables) != sorted(t["name"] for t in manifest["tables"]):
            raise ValidationError(
                "This export's tables do not match.", code="ARCHIVE_MIGRATIONS_DIFFER"
            )
        # Seeded rows (the clone's) make way for the spa's own.
        cursor.execute(
            "TRUNCATE " + ", ".join(f"{_qi(schema)}.{_qi(t)}" for t in tables) + " CASCADE"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            content = data[table]
            header = content.split(b"\n", 1)[0].decode()
            columns = ", ".join(_qi(c.strip('"')) for c in header.split(","))
            copy_sql = (
                f"COPY {_qi(schema)}.{_qi(table)} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER)"
            )
            with cursor.cursor.copy(copy_sql) as copy:
                copy.write(content)
        cursor.execute(
            """
            SELECT c.relname, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            WHERE c.relnamespace = %s::regnamespace AND c.relkind = 'r'
              AND a.attidentity <> '' AND NOT a.attisdropped
            """,
            [schema],
        )
        for table, column in cursor.fetchall():
            next_id = f"COALESCE(MAX({_qi(column)}), 0) + 1"
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), {next_id}, false) "  # noqa: S608
                f"FROM {_qi(schema)}.{_qi(table)}",
                [f"{_qi(schema)}.{_qi(table)}", column],
            )
        for expected in manifest["tables"]:
            if _checksum(cursor, schema, expected["name"]) != (
                expected["rows"],
                expected["checksum"],
            ):
                raise ValidationError(
                    f"Table {expected['name']} did not come back exactly.", code="RESTORE_MISMATCH"
                )


def _relink(*, spa: Spa, manifest: dict[str, Any], same_slug: bool) -> None:
    from shared_apps.accounts.models import Membership, Role, User

    with transaction.atomic():
        for person in manifest["team"]:
            user, _ = User.objects.get_or_create(
                email=person["email"],
                defaults={"name": person["name"], "password": make_password(None)},
            )
            Membership.objects.update_or_create(
                user=user,
                spa=spa,
                defaults={"role": person["role"], "is_active": person["is_active"]},
            )
        # The owner made by provisioning keeps the role the export gives them (or owner).
        if not Membership.objects.filter(spa=spa, role=Role.OWNER, is_active=True).exists():
            Membership.objects.filter(spa=spa, user__email=spa.owner_email).update(role=Role.OWNER)
    if same_slug:
        # The spa's own custom domains come back with it (a new slug is a copy: they stay put).
        for domain in manifest["domains"]:
            if domain["domain"] == platform_subdomain(spa.slug):
                continue  # provisioning made it
            with contextlib.suppress(ValidationError):  # taken meanwhile: for the platform team
                domain_add(spa=spa, domain=domain["domain"], verified=domain["verified"])
    if manifest["spa"]["status"] in (SpaStatus.SUSPENDED, SpaStatus.PAST_DUE):
        spa_set_status(spa=spa, status=manifest["spa"]["status"], reason="restored")
