"""Uploads: the real type is sniffed, metadata (EXIF with GPS, XMP, comments)
is stripped after the orientation is applied, and every bad upload gets a
typed error with nothing stored (no row, no object)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django_tenants.utils import tenant_context
from PIL import Image

from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.files import services
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.files.services import (
    file_open,
    file_store_bytes,
    file_store_image_with_thumbnail,
    file_store_upload,
)
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.files import samples

ACTOR = Actor(user_id=42, role="provider")


def codes(error: ValidationError) -> set[str | None]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


@pytest.mark.spa("glow")
def test_exif_gps_xmp_and_comments_are_gone_after_upload():
    # given a phone photo carrying GPS coordinates, a comment and XMP
    client = ClientFactory()
    original = samples.jpeg_with_gps()
    assert b"Jane Doe" in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)

    # when it is uploaded
    stored = file_store_upload(
        upload=samples.upload(original), purpose=FilePurpose.PHOTO, client_id=client.pk, actor=ACTOR
    )

    # then what is stored has no EXIF at all (so no GPS), no comment, no XMP
    data = file_open(stored)
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0 and not image.getexif().get_ifd(0x8825)
    assert "comment" not in image.info and "xmp" not in image.info and "exif" not in image.info
    assert b"Jane Doe" not in data and b"PhoneMaker" not in data and b"Exif" not in data
    assert stored.content_type == "image/jpeg" and stored.client_id == client.pk
    # and the write is audited against the client
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == AuditAction.UPDATE and entry.client_ids == [client.pk]


@pytest.mark.spa("glow")
def test_the_exif_orientation_is_applied_before_it_is_stripped():
    # given a 64x32 photo taken sideways (orientation 6: rotate 90 clockwise), left half dark
    original = samples.jpeg_with_gps(size=(64, 32), orientation=samples.ROTATED_90_CW)

    stored = file_store_upload(
        upload=samples.upload(original), purpose=FilePurpose.PHOTO, client_id=None, actor=ACTOR
    )

    # then it is stored upright: 32x64, the dark half now on top
    image = Image.open(io.BytesIO(file_open(stored))).convert("L")
    assert image.size == (32, 64) and (stored.width, stored.height) == (32, 64)
    assert image.getpixel((16, 8)) < 60 and image.getpixel((16, 56)) > 100
    assert ORIENTATION_ABSENT(image)


def ORIENTATION_ABSENT(image: Image.Image) -> bool:
    return image.getexif().get(samples.ORIENTATION) is None


@pytest.mark.spa("glow")
def test_a_thumbnail_is_made_with_its_longest_side_400_px():
    big = io.BytesIO()
    Image.new("RGB", (1200, 800), (90, 90, 200)).save(big, "WEBP")
    client = ClientFactory()

    image, thumbnail = file_store_image_with_thumbnail(
        upload=samples.upload(big.getvalue(), "x.webp", "image/webp"),
        purpose=FilePurpose.PHOTO,
        thumbnail_purpose=FilePurpose.PHOTO_THUMBNAIL,
        client_id=client.pk,
        actor=ACTOR,
    )

    assert (image.width, image.height) == (1200, 800)
    assert (thumbnail.width, thumbnail.height) == (400, 267)
    assert Image.open(io.BytesIO(file_open(thumbnail))).size == (400, 267)
    assert image.content_type == thumbnail.content_type == "image/webp"


BAD_UPLOADS = {
    "a GIF (not an allowed type)": (samples.gif(), "x.gif", "image/gif", "FILE_TYPE_NOT_ALLOWED"),
    "50 MB": (
        b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024),
        "big.jpg",
        "image/jpeg",
        "FILE_TOO_LARGE",
    ),
    "a zip bomb named .jpg": (
        samples.zip_bomb(),
        "photo.jpg",
        "image/jpeg",
        "FILE_TYPE_NOT_ALLOWED",
    ),
    "a PNG decompression bomb": (
        samples.png_decompression_bomb(),
        "photo.png",
        "image/png",
        "IMAGE_TOO_MANY_PIXELS",
    ),
    "a text file named .jpg, declared image/jpeg": (
        b"Jane Doe's notes\n" * 100,
        "photo.jpg",
        "image/jpeg",
        "FILE_TYPE_NOT_ALLOWED",
    ),
    "a truncated JPEG": (
        samples.jpeg_with_gps(size=(256, 256))[:-200],
        "photo.jpg",
        "image/jpeg",
        "FILE_INVALID_IMAGE",
    ),
    "an empty file": (b"", "photo.jpg", "image/jpeg", "FILE_TYPE_NOT_ALLOWED"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS), ids=list(BAD_UPLOADS))
def test_a_bad_upload_gets_a_typed_error_and_stores_nothing(files_backend, glow, case):
    data, name, content_type, code = BAD_UPLOADS[case]
    with tenant_context(glow):
        client = ClientFactory()
        rows_before = StoredFile.objects.count()
        audits_before = AuditEntry.objects.count()
        objects_before = files_backend.keys(glow.schema_name)

        with pytest.raises(ValidationError) as refused:
            file_store_upload(
                upload=samples.upload(data, name, content_type),
                purpose=FilePurpose.PHOTO,
                client_id=client.pk,
                actor=ACTOR,
            )

        assert codes(refused.value) == {code}
        assert StoredFile.objects.count() == rows_before
        assert AuditEntry.objects.count() == audits_before
    assert files_backend.keys(glow.schema_name) == objects_before


@pytest.mark.spa("glow")
def test_a_pdf_is_only_accepted_as_a_signed_document(stored_objects, glow):
    before = stored_objects.keys(glow.schema_name)
    with pytest.raises(ValidationError) as refused:
        file_store_bytes(
            data=b"%PDF-1.7 ...",
            content_type="application/pdf",
            purpose=FilePurpose.PHOTO,
            client_id=None,
            actor=ACTOR,
        )
    assert codes(refused.value) == {"FILE_TYPE_NOT_ALLOWED"}
    with pytest.raises(ValidationError) as not_a_pdf:
        file_store_bytes(
            data=b"<html>",
            content_type="application/pdf",
            purpose=FilePurpose.SIGNED_DOCUMENT,
            client_id=None,
            actor=ACTOR,
        )
    assert codes(not_a_pdf.value) == {"FILE_TYPE_NOT_ALLOWED"}
    assert stored_objects.keys(glow.schema_name) == before and not StoredFile.objects.exists()


@pytest.mark.spa("glow")
def test_an_unknown_client_is_refused_before_anything_is_stored(stored_objects, glow):
    before = stored_objects.keys(glow.schema_name)
    with pytest.raises(ValidationError) as refused:
        file_store_upload(
            upload=samples.upload(samples.png(), "a.png", "image/png"),
            purpose=FilePurpose.PHOTO,
            client_id=987654321,
            actor=ACTOR,
        )
    assert codes(refused.value) == {"NOT_FOUND"}
    assert stored_objects.keys(glow.schema_name) == before and not StoredFile.objects.exists()


@pytest.mark.spa("glow")
def test_an_object_whose_row_cannot_be_inserted_is_deleted_again(stored_objects, glow):
    # given an object the database refuses a row for (a purpose its check constraint does not know)
    before = stored_objects.keys(glow.schema_name)
    item = services._Object(
        data=samples.png(), purpose="bogus", content_type="image/png", extension="png"
    )

    # when the store step runs, the insert fails
    with pytest.raises(IntegrityError):
        services._store(objects=[item], client_id=None, actor=ACTOR)

    # then the object it had written is gone too
    assert stored_objects.keys(glow.schema_name) == before


@pytest.mark.spa("glow")
def test_a_phones_multi_picture_jpeg_is_stored_as_its_first_picture():
    # given an MPO (what many phones write: the photo, then a second picture)
    first = Image.new("RGB", (60, 40), (250, 10, 10))
    second = Image.new("RGB", (60, 40), (10, 10, 250))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"

    stored = file_store_upload(
        upload=samples.upload(out.getvalue()),
        purpose=FilePurpose.PHOTO,
        client_id=None,
        actor=ACTOR,
    )

    image = Image.open(io.BytesIO(file_open(stored)))
    assert image.format == "JPEG" and stored.content_type == "image/jpeg"
    assert getattr(image, "n_frames", 1) == 1
    red, _green, blue = image.convert("RGB").getpixel((30, 20))
    assert red > 200 and blue < 60
