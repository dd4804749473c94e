"""Checking and cleaning an uploaded image with Pillow.

The real type is sniffed from the bytes (never the name or the declared type);
only JPEG, PNG and WEBP pass. An image of more than `FILES_MAX_IMAGE_PIXELS`
pixels is refused before it is decoded, and Pillow's own decompression-bomb
warning is an error here. The image is then re-encoded from its pixels alone,
after the EXIF orientation is applied: EXIF (GPS included), XMP, comments and
any other metadata do not survive (the ICC colour profile is kept: it says how
to show the colours, nothing about the patient). A thumbnail (longest side
`THUMBNAIL_SIDE`) is made from the cleaned image.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import field_error
from tenant_apps.files.errors import FilesErrorCode

THUMBNAIL_SIDE = 400
# Pillow format -> (content type, extension).
ALLOWED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
JPEG_QUALITY = 90
THUMBNAIL_QUALITY = 80


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    content_type: str
    extension: str
    width: int
    height: int


def _open(data: bytes, field: str) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
    except UnidentifiedImageError:
        raise _type_not_allowed(field) from None
    except Image.DecompressionBombError:
        raise _too_many_pixels(field) from None
    except (OSError, SyntaxError, ValueError):
        raise _invalid(field) from None
    if _format(image) not in ALLOWED_FORMATS:
        raise _type_not_allowed(field)
    width, height = image.size
    if width < 1 or height < 1:
        raise _invalid(field)
    if width * height > settings.FILES_MAX_IMAGE_PIXELS:
        raise _too_many_pixels(field)
    return image


def _format(image: Image.Image) -> str:
    # Phones write MPO: a JPEG whose first picture is the photo (the others,
    # depth maps or previews, are dropped with the metadata).
    return "JPEG" if image.format == "MPO" else str(image.format)


def _type_not_allowed(field: str):  # type: ignore[no-untyped-def]
    return field_error(
        FilesErrorCode.FILE_TYPE_NOT_ALLOWED, "Only JPEG, PNG and WEBP images are accepted.", field
    )


def _invalid(field: str):  # type: ignore[no-untyped-def]
    return field_error(FilesErrorCode.FILE_INVALID_IMAGE, "The image could not be read.", field)


def _too_many_pixels(field: str):  # type: ignore[no-untyped-def]
    return field_error(
        FilesErrorCode.IMAGE_TOO_MANY_PIXELS,
        f"The image has more than {settings.FILES_MAX_IMAGE_PIXELS:,} pixels.",
        field,
    )


def _pixels_only(image: Image.Image) -> Image.Image:
    """A new image holding `image`'s pixels and nothing else (no `info`)."""
    if image.mode not in ("RGB", "RGBA", "L"):
        has_alpha = image.mode in ("LA", "PA", "RGBa", "La") or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if has_alpha else "RGB")
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _encode(image: Image.Image, fmt: str, *, quality: int, icc: bytes | None) -> bytes:
    out = io.BytesIO()
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if fmt == "JPEG":
        if image.mode != "RGB" and image.mode != "L":
            image = image.convert("RGB")
        image.save(out, "JPEG", quality=quality, optimize=False, **options)
    elif fmt == "PNG":
        image.save(out, "PNG", **options)
    else:
        image.save(out, "WEBP", quality=quality, **options)
    return out.getvalue()


@dataclass(frozen=True)
class CleanImages:
    image: CleanImage
    thumbnail: CleanImage | None


def image_clean(data: bytes, *, field: str = "upload", with_thumbnail: bool = True) -> CleanImages:
    """The image re-encoded without metadata, and its thumbnail when asked; a
    typed refusal (FILE_TYPE_NOT_ALLOWED, FILE_INVALID_IMAGE,
    IMAGE_TOO_MANY_PIXELS) for anything else."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, field)
        fmt = _format(image)
        icc = image.info.get("icc_profile")
        try:
            image.load()
            oriented = ImageOps.exif_transpose(image)
            clean = _pixels_only(oriented)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _too_many_pixels(field) from None
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _invalid(field) from None
        finally:
            image.close()
    content_type, extension = ALLOWED_FORMATS[fmt]
    full = CleanImage(
        data=_encode(clean, fmt, quality=JPEG_QUALITY, icc=icc),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )
    if not with_thumbnail:
        return CleanImages(image=full, thumbnail=None)
    clean.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    thumbnail = CleanImage(
        data=_encode(clean, fmt, quality=THUMBNAIL_QUALITY, icc=icc),
        content_type=content_type,
        extension=extension,
        width=clean.width,
        height=clean.height,
    )
    return CleanImages(image=full, thumbnail=thumbnail)
