"""A spa's files in its export archive (shared_apps/lifecycle/portability.py).

The export carries every object a `StoredFile` row names, as `files/<key>` in
the archive; the restore writes them into the new spa's storage (its own folder
or prefix) under the same keys, each checked against its row's sha256 and size
(the rows come back checksummed, under the manifest's signature, so a file
altered in the archive is refused). Objects no row names (orphans) are not
carried. Storage is never touched outside the spa named.
"""

from __future__ import annotations

import hashlib
import tarfile
import tempfile
from collections.abc import Iterable
from typing import IO

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.utils import timezone

from tenant_apps.files.storage import key_check, spa_storage

ARCHIVE_FOLDER = "files"


class ArchiveFileMismatch(Exception):
    """An object is absent from the archive or differs from its row (the
    restore reports it as its own RESTORE_MISMATCH; never names the file's
    client)."""


FILES_TABLE = "files_storedfile"
_CHUNK = 1024 * 1024


def _member(key: str) -> str:
    return f"{ARCHIVE_FOLDER}/{key_check(key)}"


def _spool(source: IO[bytes], target: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
        target.write(chunk)
        size += len(chunk)
    target.seek(0)
    return digest.hexdigest(), size


def files_export(
    *, schema_name: str, files: Iterable[tuple[str, str, int]], tar: tarfile.TarFile
) -> list[str]:
    """Add the objects of `files` ((key, sha256, size) of the spa's rows) to
    `tar`; the keys of those missing or not matching their row (not added)."""
    storage = spa_storage(schema_name)
    missing: list[str] = []
    for key, sha256, size in files:
        try:
            source = storage.open(key)
        except FileNotFoundError:
            missing.append(key)
            continue
        with source, tempfile.TemporaryFile() as spool:
            found_sha, found_size = _spool(source, spool)
            if (found_sha, found_size) != (sha256, size):
                missing.append(key)
                continue
            info = tarfile.TarInfo(_member(key))
            info.size = found_size
            info.mode = 0o600
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, spool)
    return missing


def files_restore(
    *,
    schema_name: str,
    files: Iterable[tuple[str, str, int]],
    tar: tarfile.TarFile,
    missing: Iterable[str] = (),
    written: list[str],
) -> None:
    """Write the objects of the restored rows `files` ((key, sha256, size))
    from `tar` into `schema_name`'s storage, appending each key written to
    `written` (the caller deletes them if the restore fails). A key the export
    reported `missing` is skipped. ArchiveFileMismatch if an object is absent
    from the archive or differs from its row, or if the storage already holds a
    different object under its key (nothing is overwritten)."""
    storage = spa_storage(schema_name)
    skipped = set(missing)
    for key, sha256, size in files:
        if key in skipped:
            continue
        try:
            member = tar.getmember(_member(key))
        except KeyError:
            member = None
        stream = tar.extractfile(member) if member is not None and member.isfile() else None
        if stream is None:
            raise ArchiveFileMismatch(key)
        with stream, tempfile.TemporaryFile() as spool:
            if _spool(stream, spool) != (sha256, size):
                raise ArchiveFileMismatch(key)
            if storage.exists(key):
                # Left by the spa this one replaces (same slug): kept if it is the same.
                with storage.open(key) as held, tempfile.TemporaryFile() as other:
                    if _spool(held, other) != (sha256, size):
                        raise ArchiveFileMismatch(key)
                continue
            stored = storage.save(key, File(spool, name=key))
            written.append(stored)
            if stored != key:  # pragma: no cover (a guard: the backend renamed it)
                raise ArchiveFileMismatch(key)


def files_delete(*, schema_name: str, keys: Iterable[str]) -> None:
    """Delete objects a failed restore wrote (best effort, each on its own)."""
    storage = spa_storage(schema_name)
    for key in keys:
        try:
            storage.delete(key)
        except (OSError, SuspiciousFileOperation):  # pragma: no cover (swept daily)
            continue
