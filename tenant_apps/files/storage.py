"""Where a spa's files live: the current spa's own storage.

- `FILES_BACKEND=local` (the default): the filesystem under `FILES_ROOT`
  (`<project>/.data/files`), one folder per spa schema.
- `FILES_BACKEND=s3`: a private bucket through django-storages (`S3Storage`,
  canned ACL `FILES_S3_ACL`, "private" by default; no URL handed out), the spa's schema name as the
  key prefix. Bucket, endpoint, region and keys come from the environment
  (`FILES_S3_*`, config/settings/base.py; prod requires them).

A storage is made for one schema and never names anything outside its folder
or prefix: keys are checked here (`key_check`: our own random keys only, no
`..`, no absolute path, no backslash) and again by the backend's `safe_join`.
Nothing here hands out a storage URL: files are read through the app
(tenant_apps/files/views.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage

from tenants.db import connection

# purpose/32 hex digits.ext: what services.py makes (no PHI, nothing to traverse).
KEY_PATTERN = re.compile(r"^[a-z_]{1,20}/[0-9a-f]{32}\.[a-z0-9]{1,5}$")
# A purpose's folder (listed by the orphan sweep, tenant_apps/files/sweep.py).
FOLDER_PATTERN = re.compile(r"^[a-z_]{1,20}$")
SCHEMA_PATTERN = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def key_check(key: str) -> str:
    """`key` if it is one of ours; SuspiciousFileOperation otherwise."""
    if not KEY_PATTERN.fullmatch(key):
        raise SuspiciousFileOperation("Not a file key of this platform.")
    return key


def key_or_folder_check(name: str) -> str:
    """`name` if it is one of our keys or a purpose's folder."""
    return name if FOLDER_PATTERN.fullmatch(name) else key_check(name)


def _schema_check(schema_name: str) -> str:
    if not SCHEMA_PATTERN.fullmatch(schema_name) or schema_name == "public":
        raise SuspiciousFileOperation("Files belong to a spa schema.")
    return schema_name


class _OurKeysOnly:
    """Every entry point that takes a name refuses one that is not our key,
    before the backend sees it (the backend's own safe_join is the second wall)."""

    def open(self, name: str, mode: str = "rb"):  # type: ignore[no-untyped-def]
        return super().open(key_check(name), mode)  # type: ignore[misc]

    def save(self, name: str | None, content, max_length=None) -> str:  # type: ignore[no-untyped-def]
        return super().save(key_check(name or ""), content, max_length)  # type: ignore[misc,no-any-return]

    def exists(self, name: str) -> bool:
        return super().exists(key_check(name))  # type: ignore[misc,no-any-return]

    def delete(self, name: str) -> None:
        super().delete(key_check(name))  # type: ignore[misc]

    def size(self, name: str) -> int:
        return super().size(key_check(name))  # type: ignore[misc,no-any-return]

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        if not FOLDER_PATTERN.fullmatch(path):
            raise SuspiciousFileOperation("Only a purpose's folder is listed.")
        return super().listdir(path)  # type: ignore[misc,no-any-return]

    def url(self, name, *args, **kwargs) -> str:  # type: ignore[no-untyped-def]
        raise NotImplementedError("Files are served through signed app URLs only.")


class SpaFileSystemStorage(_OurKeysOnly, FileSystemStorage):
    """The spa's folder."""

    def path(self, name: str) -> str:
        return super().path(key_or_folder_check(name))


class SpaS3Storage(_OurKeysOnly, S3Storage):
    """The spa's prefix in the private bucket."""

    def _normalize_name(self, name: str) -> str:
        return super()._normalize_name(key_or_folder_check(name))


def _settings_key() -> tuple[str, ...]:
    return (
        settings.FILES_BACKEND,
        str(settings.FILES_ROOT),
        settings.FILES_S3_BUCKET,
        settings.FILES_S3_ENDPOINT_URL,
        settings.FILES_S3_REGION,
        settings.FILES_S3_ACCESS_KEY_ID,
        settings.FILES_S3_SECRET_ACCESS_KEY,
        settings.FILES_S3_ACL,
    )


@lru_cache(maxsize=256)
def _storage(schema_name: str, config: tuple[str, ...]) -> Storage:
    backend, root, bucket, endpoint, region, access_key, secret_key, acl = config
    if backend == "local":
        return SpaFileSystemStorage(
            location=str(Path(root) / schema_name),
            directory_permissions_mode=0o700,
            file_permissions_mode=0o600,
        )
    if backend == "s3":
        return SpaS3Storage(
            bucket_name=bucket,
            location=schema_name,
            endpoint_url=endpoint or None,
            region_name=region or None,
            access_key=access_key or None,
            secret_key=secret_key or None,
            default_acl=acl or None,
            querystring_auth=False,
            # Keys are 128 random bits: no existence check (one request less).
            file_overwrite=True,
        )
    raise ValueError(f"FILES_BACKEND must be 'local' or 's3', not {backend!r}")


def spa_storage(schema_name: str | None = None) -> Storage:
    """The storage of `schema_name`, by default the spa the connection is on."""
    schema = schema_name if schema_name is not None else connection.schema_name
    return _storage(_schema_check(schema), _settings_key())
