"""Storing and reading a spa's patient files.

Every stored object gets a random key in the current spa's storage
(tenant_apps/files/storage.py) and one `StoredFile` row. Uploads are images
only (JPEG, PNG, WEBP), re-encoded without metadata (tenant_apps/files/images.py);
the platform's own PDFs (signed documents) are stored as they are. On any
refusal nothing is stored: the checks run before the object is written, and
an object whose row cannot be inserted is deleted again. Writes of a file
about a client are audited against that client.

Files are read through signed app URLs (`file_url`, served by
tenant_apps/files/views.py), never a storage URL.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.files import tokens
from tenant_apps.files.errors import FilesErrorCode
from tenant_apps.files.images import CleanImage, image_clean
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.files.storage import spa_storage
from tenants.db import connection

PDF = "application/pdf"
CHUNK_BYTES = 256 * 1024


@dataclass(frozen=True)
class _Object:
    data: bytes
    purpose: str
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None


def _too_large(field: str):  # type: ignore[no-untyped-def]
    megabytes = settings.FILES_MAX_UPLOAD_BYTES / (1024 * 1024)
    return field_error(
        FilesErrorCode.FILE_TOO_LARGE, f"A file may be at most {megabytes:g} MB.", field
    )


def upload_read(upload: UploadedFile, *, field: str = "upload") -> bytes:
    """The upload's bytes, read in chunks and refused (FILE_TOO_LARGE) as soon
    as they pass `FILES_MAX_UPLOAD_BYTES`."""
    limit = settings.FILES_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise _too_large(field)
    parts: list[bytes] = []
    total = 0
    for chunk in upload.chunks(CHUNK_BYTES):
        total += len(chunk)
        if total > limit:
            raise _too_large(field)
        parts.append(chunk)
    return b"".join(parts)


def _check_purpose(purpose: str) -> None:
    if purpose not in FilePurpose.values:
        raise ValueError(f"Unknown file purpose {purpose!r}")


def _check_client(client_id: int | None) -> None:
    # Foreign keys are checked at commit: refuse an unknown client now, typed.
    if client_id is not None and not Client.objects.filter(pk=client_id).exists():
        raise field_error(FilesErrorCode.NOT_FOUND, "No such client.", "client_id")


def _image_object(image: CleanImage, purpose: str) -> _Object:
    return _Object(
        data=image.data,
        purpose=purpose,
        content_type=image.content_type,
        extension=image.extension,
        width=image.width,
        height=image.height,
    )


def _store(*, objects: Sequence[_Object], client_id: int | None, actor: Actor) -> list[StoredFile]:
    """Write the objects, then their rows in one transaction (audited); if the
    rows cannot be written, the objects are deleted again."""
    storage = spa_storage()
    written: list[str] = []
    try:
        rows = []
        for item in objects:
            key = f"{item.purpose}/{secrets.token_hex(16)}.{item.extension}"
            saved = storage.save(key, ContentFile(item.data))
            written.append(saved)
            if saved != key:  # pragma: no cover (random keys never collide)
                raise RuntimeError("The storage renamed a file key.")
            rows.append(
                StoredFile(
                    key=key,
                    purpose=item.purpose,
                    content_type=item.content_type,
                    size_bytes=len(item.data),
                    sha256=hashlib.sha256(item.data).hexdigest(),
                    width=item.width,
                    height=item.height,
                    client_id=client_id,
                    created_by_user_id=actor.user_id,
                )
            )
        with transaction.atomic():
            for row in rows:
                row.save()
            if client_id is not None:
                audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client_id])
    except BaseException:
        for key in written:
            storage.delete(key)
        raise
    return rows


def file_store_bytes(
    *, data: bytes, content_type: str, purpose: str, client_id: int | None, actor: Actor
) -> StoredFile:
    """Store `data` for `client_id` (None: about no one). An image (a drawn
    signature, a photo) is checked and re-encoded without metadata, whatever
    `content_type` says; `application/pdf` is accepted for signed documents
    only (the platform renders them)."""
    _check_purpose(purpose)
    if len(data) > settings.FILES_MAX_UPLOAD_BYTES:
        raise _too_large("data")
    _check_client(client_id)
    if content_type == PDF:
        if purpose != FilePurpose.SIGNED_DOCUMENT or not data.startswith(b"%PDF-"):
            raise field_error(
                FilesErrorCode.FILE_TYPE_NOT_ALLOWED, "Only signed documents are PDFs.", "data"
            )
        item = _Object(data=data, purpose=purpose, content_type=PDF, extension="pdf")
    else:
        item = _image_object(image_clean(data, field="data", with_thumbnail=False).image, purpose)
    return _store(objects=[item], client_id=client_id, actor=actor)[0]


def file_store_upload(
    *, upload: UploadedFile, purpose: str, client_id: int | None, actor: Actor
) -> StoredFile:
    """Store an uploaded image (JPEG, PNG or WEBP, sniffed from its bytes)
    stripped of its metadata. Refusals: FILE_TOO_LARGE, FILE_TYPE_NOT_ALLOWED,
    FILE_INVALID_IMAGE, IMAGE_TOO_MANY_PIXELS, NOT_FOUND (client), all on the
    field "upload" except the client's; nothing is stored then."""
    _check_purpose(purpose)
    data = upload_read(upload)
    _check_client(client_id)
    item = _image_object(image_clean(data, with_thumbnail=False).image, purpose)
    return _store(objects=[item], client_id=client_id, actor=actor)[0]


def file_store_image_with_thumbnail(
    *, upload: UploadedFile, purpose: str, thumbnail_purpose: str, client_id: int, actor: Actor
) -> tuple[StoredFile, StoredFile]:
    """As `file_store_upload`, and a thumbnail (longest side 400 px) beside it."""
    _check_purpose(purpose)
    _check_purpose(thumbnail_purpose)
    data = upload_read(upload)
    _check_client(client_id)
    images = image_clean(data)
    assert images.thumbnail is not None
    image, thumbnail = _store(
        objects=[
            _image_object(images.image, purpose),
            _image_object(images.thumbnail, thumbnail_purpose),
        ],
        client_id=client_id,
        actor=actor,
    )
    return image, thumbnail


def file_discard(*, files: Sequence[StoredFile]) -> None:
    """Delete the objects of `files` (rows the caller's transaction wrote and is
    rolling back): what a caller above calls when its own write after
    storing fails, so that nothing is left behind."""
    storage = spa_storage()
    for file in files:
        storage.delete(file.key)


def file_open(file: StoredFile) -> bytes:
    """The stored bytes of `file` (a file of the spa the connection is on)."""
    with spa_storage().open(file.key, "rb") as handle:
        data: bytes = handle.read()
    return data


def file_url(
    *, file: StoredFile, actor: Actor, ttl_seconds: int = 300, download: bool = False
) -> str:
    """A short-lived address of `file` on the spa's host, `/files/<token>`,
    for `actor` alone when they are a member (tenant_apps/files/views.py serves
    it to that member's signed-in requests, audited); `download` asks the
    browser to save it rather than show it."""
    token = tokens.token_make(
        schema_name=connection.schema_name,
        file_id=file.pk,
        user_id=actor.user_id,
        expires_at=int(time.time()) + max(1, ttl_seconds),
        download=download,
    )
    return f"/files/{token}"
