"""One spa out and back in: the disaster-recovery path for a single spa.

An export is a .tar.gz (created readable by its owner only: it holds PHI) with
- `manifest.json`: the spa (name, timezone, status, owner), the migrations its
  schema had, every table with its row count and checksum, its domains and its
  team (emails and roles);
- `manifest.sig`: an HMAC of the manifest with the platform's secret key, so a
  restore takes only archives this platform made (a crafted team list could
  otherwise give anyone access);
- `tables/<table>.csv`: each table of the spa's schema, by PostgreSQL's COPY;
- `files/<key>`: the spa's stored files (photos, signatures, signed PDFs) that
  a `StoredFile` row names (tenant_apps/files/archive.py); the manifest lists
  under `files_missing` any a row names that the storage did not hold intact.
It is read in one REPEATABLE READ snapshot, so it is consistent (files are
never changed once written). Tables and files stream through temporary files,
never whole into memory.

A restore makes a new spa (never touching an existing one) and keeps it in
`provisioning`, so it answers 503, while it clones the schema, loads every table
with COPY, moves identity sequences past the loaded ids, checks every table's
checksum against the manifest, writes the files into the new spa's storage
(each checked against its restored row's sha256 and size), and re-links the
team by email. Only then is it
opened: in the exported status under the same slug, suspended (read-only) as a
copy under a new slug. On any failure the new spa is removed with the files it
wrote, and nothing else was touched. The archive must come from the same
migration state as the code.
"""

from __future__ import annotations

import contextlib
import csv
import hmac
import io
import json
import os
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import IO, Any

import psycopg
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.errors import field_error
from shared_apps.accounts.models import Membership, Role, User
from shared_apps.accounts.services.owner import membership_ensure_owner
from shared_apps.lifecycle.errors import RestoreErrorCode
from tenant_apps.files.archive import (
    FILES_TABLE,
    ArchiveFileMismatch,
    files_delete,
    files_export,
    files_restore,
)
from tenants.db import connection
from tenants.locks import advisory_lock
from tenants.models import Spa, SpaStatus, SpaStatusChange
from tenants.provisioning import (
    spa_provision_cancel,
    spa_register,
    spa_schema_build,
    spa_schema_spread,
)
from tenants.routing import invalidate_routing
from tenants.services import domain_add, platform_subdomain

FORMAT = "medspa-spa-export/1"
_SIGNING_SALT = "medspa.spa-export"
_COPY_CHUNK = 1024 * 1024
# Statuses a restored spa may open in (a closed spa comes back suspended).
_OPENABLE = {SpaStatus.TRIALING, SpaStatus.ACTIVE, SpaStatus.PAST_DUE, SpaStatus.SUSPENDED}


def _qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sign(manifest_bytes: bytes, secret: str | None = None) -> str:
    return salted_hmac(_SIGNING_SALT, manifest_bytes, secret=secret, algorithm="sha256").hexdigest()


def _signed_by_us(manifest_bytes: bytes, signature: str) -> bool:
    """Made with the current key or one it replaced (SECRET_KEY_FALLBACKS)."""
    keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(hmac.compare_digest(signature, _sign(manifest_bytes, key)) for key in keys)


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


def _migrations(cursor, schema: str) -> list[list[str]]:
    cursor.execute(
        f"SELECT app, name FROM {_qi(schema)}.django_migrations ORDER BY app, name"  # noqa: S608
    )
    return [list(row) for row in cursor.fetchall()]


# --- Export ----------------------------------------------------------------------------------


def spa_export(*, spa: Spa, path: Path) -> dict[str, Any]:
    """Write `spa`'s schema and its public rows to the archive at `path`; return the manifest."""
    if connection.in_atomic_block:
        raise RuntimeError("spa_export reads one snapshot in a transaction of its own")
    with tempfile.TemporaryDirectory(prefix="spa-export-") as workdir:
        # One snapshot for every table: REPEATABLE READ, set on the driver so that it
        # opens the transaction (django-tenants may send SET search_path first).
        connection.ensure_connection()
        driver = connection.connection
        previous_isolation = driver.isolation_level
        driver.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        try:
            manifest = _export_snapshot(spa=spa, workdir=Path(workdir))
        finally:
            driver.isolation_level = previous_isolation
        files = manifest.pop("_files")
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with (
            os.fdopen(descriptor, "wb") as target,
            tarfile.open(fileobj=target, mode="w:gz") as tar,
        ):
            for table in manifest["tables"]:
                tar.add(
                    Path(workdir) / f"{table['name']}.csv", arcname=f"tables/{table['name']}.csv"
                )
            # Then the files, and last the manifest, which names any file missing.
            manifest["files_missing"] = files_export(
                schema_name=spa.schema_name, files=files, tar=tar
            )
            manifest_bytes = json.dumps(manifest, indent=2).encode()
            _add_bytes(tar, "manifest.json", manifest_bytes)
            _add_bytes(tar, "manifest.sig", _sign(manifest_bytes).encode())
    return manifest


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _export_snapshot(*, spa: Spa, workdir: Path) -> dict[str, Any]:
    schema = spa.schema_name
    with transaction.atomic():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            migrations = _migrations(cursor, schema)
            tables = []
            for table in _tables(cursor, schema):
                rows, checksum = _checksum(cursor, schema, table)
                copy_sql = f"COPY {_qi(schema)}.{_qi(table)} TO STDOUT WITH (FORMAT csv, HEADER)"
                with (
                    open(workdir / f"{table}.csv", "wb") as out,
                    cursor.cursor.copy(copy_sql) as copy,
                ):
                    for block in copy:
                        out.write(block)
                tables.append({"name": table, "rows": rows, "checksum": checksum})
            files = _stored_files(cursor, schema)
        members = Membership.objects.filter(spa=spa).select_related("user").order_by("pk")
        return {
            "_files": files,  # taken out before the manifest is written
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


def _stored_files(cursor, schema: str) -> list[tuple[str, str, int]]:
    """(key, sha256, size) of each file row of the schema, by key."""
    cursor.execute(
        f"SELECT key, sha256, size_bytes FROM {_qi(schema)}.{_qi(FILES_TABLE)} "  # noqa: S608
        "ORDER BY key"
    )
    return [(key, sha256, int(size)) for key, sha256, size in cursor.fetchall()]


# --- Restore ---------------------------------------------------------------------------------


def spa_restore(*, path: Path, slug: str | None = None) -> Spa:
    """Bring an exported spa back as a new spa: under its own slug (after the spa
    was lost) or under `slug` (a read-only copy)."""
    if connection.in_atomic_block:
        raise RuntimeError("spa_restore provisions a spa; call it outside a transaction")
    with tarfile.open(path, "r:gz") as tar:
        manifest = _verified_manifest(tar)
    source = manifest["spa"]
    same_slug = slug is None or slug == source["slug"]
    spa = spa_register(
        slug=slug or source["slug"],
        name=source["name"],
        timezone_name=source["timezone"],
        owner_email=source["owner_email"],
        initial_status=source["initial_status"],
        must_be_new=True,  # never an existing spa
    )
    written: list[str] = []
    try:
        with advisory_lock(f"spa-provision:{spa.pk}"):
            spa_schema_build(spa, spare=False)  # local until loaded, then distributed
            with tarfile.open(path, "r:gz") as tar:
                _load(spa=spa, manifest=manifest, tar=tar)
                _restore_files(spa=spa, manifest=manifest, tar=tar, written=written)
            spa_schema_spread(spa)  # after the load: rows go in while the schema is local
            _relink(spa=spa, manifest=manifest, same_slug=same_slug)
            status = source["status"] if same_slug else SpaStatus.SUSPENDED
            _open(spa=spa, status=status if status in _OPENABLE else SpaStatus.SUSPENDED)
    except BaseException:
        # Still in provisioning and made by this call: removing it (and the files
        # it wrote) touches nothing else.
        files_delete(schema_name=spa.schema_name, keys=written)
        spa_provision_cancel(spa=spa)
        raise
    spa.refresh_from_db()
    return spa


def _verified_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest_bytes = _member_bytes(tar, "manifest.json", limit=64 * 1024 * 1024)
        signature = _member_bytes(tar, "manifest.sig", limit=1024).decode()
    except KeyError:
        raise field_error(RestoreErrorCode.ARCHIVE_INVALID, "This is not a spa export.") from None
    if not _signed_by_us(manifest_bytes, signature):
        raise field_error(
            RestoreErrorCode.ARCHIVE_INVALID,
            "This export was not made by this platform, or it was altered.",
        )
    manifest = json.loads(manifest_bytes)
    if manifest.get("format") != FORMAT:
        raise field_error(
            RestoreErrorCode.ARCHIVE_INVALID, "This export's format is not supported."
        )
    return manifest


def _member_bytes(tar: tarfile.TarFile, name: str, *, limit: int) -> bytes:
    member = tar.getmember(name)
    extracted = tar.extractfile(member) if member.isfile() else None
    if extracted is None or member.size > limit:
        raise field_error(RestoreErrorCode.ARCHIVE_INVALID, "This export is damaged.")
    return extracted.read()


def _load(*, spa: Spa, manifest: dict[str, Any], tar: tarfile.TarFile) -> None:
    schema = spa.schema_name
    with transaction.atomic(), connection.cursor() as cursor:
        if _migrations(cursor, schema) != manifest["migrations"]:
            raise field_error(
                RestoreErrorCode.ARCHIVE_MIGRATIONS_DIFFER,
                "This export was made at another migration state; restore it with the release "
                "that made it.",
            )
        tables = _tables(cursor, schema)
        if sorted(tables) != sorted(t["name"] for t in manifest["tables"]):
            raise field_error(
                RestoreErrorCode.ARCHIVE_MIGRATIONS_DIFFER, "This export's tables do not match."
            )
        # The rows come back exactly as exported: triggers (the audit log's chain,
        # and its refusal of TRUNCATE) stay off while they load, in this transaction.
        for table in tables:
            cursor.execute(f"ALTER TABLE {_qi(schema)}.{_qi(table)} DISABLE TRIGGER USER")
        # Seeded rows (the clone's) make way for the spa's own.
        cursor.execute(
            "TRUNCATE " + ", ".join(f"{_qi(schema)}.{_qi(t)}" for t in tables) + " CASCADE"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in tables:
            try:
                member = tar.getmember(f"tables/{table}.csv")
            except KeyError:
                raise field_error(
                    RestoreErrorCode.ARCHIVE_INVALID, f"This export has no data for {table}."
                ) from None
            stream = tar.extractfile(member)
            if stream is None:
                raise field_error(RestoreErrorCode.ARCHIVE_INVALID, "This export is damaged.")
            _copy_in(cursor, schema, table, stream)
        _advance_identities(cursor, schema)
        # Check the deferred foreign keys now: a table with checks pending cannot
        # have its triggers switched back on.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {_qi(schema)}.{_qi(table)} ENABLE TRIGGER USER")
        for expected in manifest["tables"]:
            if _checksum(cursor, schema, expected["name"]) != (
                expected["rows"],
                expected["checksum"],
            ):
                raise field_error(
                    RestoreErrorCode.RESTORE_MISMATCH,
                    f"Table {expected['name']} did not come back exactly.",
                )


def _restore_files(
    *, spa: Spa, manifest: dict[str, Any], tar: tarfile.TarFile, written: list[str]
) -> None:
    """The spa's files into its new storage, each checked against its restored
    row (an archive made before files were carried has no `files_missing`: its
    rows come back without their objects, as they were exported)."""
    if "files_missing" not in manifest:
        return
    with connection.cursor() as cursor:
        files = _stored_files(cursor, spa.schema_name)
    try:
        files_restore(
            schema_name=spa.schema_name,
            files=files,
            tar=tar,
            missing=manifest["files_missing"],
            written=written,
        )
    except ArchiveFileMismatch:
        raise field_error(
            RestoreErrorCode.RESTORE_MISMATCH,
            "A stored file did not come back exactly as exported.",
        ) from None


def _copy_in(cursor, schema: str, table: str, stream: IO[bytes]) -> None:
    with tempfile.TemporaryFile() as spool:  # bounded memory, whatever the table's size
        shutil.copyfileobj(stream, spool, _COPY_CHUNK)
        spool.seek(0)
        header_line = spool.readline().decode()
        columns = ", ".join(_qi(name) for name in next(csv.reader([header_line])))
        spool.seek(0)
        copy_sql = (
            f"COPY {_qi(schema)}.{_qi(table)} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER)"
        )
        with cursor.cursor.copy(copy_sql) as copy:
            while chunk := spool.read(_COPY_CHUNK):
                copy.write(chunk)


def _advance_identities(cursor, schema: str) -> None:
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


def _relink(*, spa: Spa, manifest: dict[str, Any], same_slug: bool) -> None:
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
        if not Membership.objects.filter(spa=spa, role=Role.OWNER, is_active=True).exists():
            membership_ensure_owner(spa=spa, email=spa.owner_email)
    if same_slug:
        # The spa's own custom domains come back with it (a copy leaves them where they are).
        for domain in manifest["domains"]:
            if domain["domain"] == platform_subdomain(spa.slug):
                continue  # provisioning made it
            with contextlib.suppress(ValidationError):  # taken meanwhile: for the platform team
                domain_add(spa=spa, domain=domain["domain"], verified=domain["verified"])


def _open(*, spa: Spa, status: str) -> None:
    with transaction.atomic():
        opened = Spa.objects.filter(pk=spa.pk, status=SpaStatus.PROVISIONING).update(
            status=status,
            status_changed_at=timezone.now(),
            status_reason="restored",
            updated_at=timezone.now(),
        )
        if opened:
            SpaStatusChange.objects.create(
                spa=spa, from_status=SpaStatus.PROVISIONING, to_status=status, cause="restore"
            )
        invalidate_routing()
