"""Files a test uploads: real images made with Pillow, and things that only
pretend to be images."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
ROTATED_90_CW = 6  # EXIF orientation: the camera was held sideways
GPS = {1: "N", 2: (40.0, 44.0, 54.36), 3: "W", 4: (73.0, 59.0, 8.5)}


def jpeg_with_gps(*, size: tuple[int, int] = (64, 32), orientation: int | None = None) -> bytes:
    """A JPEG carrying GPS coordinates, a camera make, a comment and XMP."""
    image = Image.new("RGB", size, (200, 120, 90))
    # The left half dark, so a rotation can be seen in the pixels.
    image.paste((10, 10, 10), (0, 0, size[0] // 2, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Patient's phone"
    exif.get_ifd(GPS_IFD).update(GPS)
    if orientation is not None:
        exif[ORIENTATION] = orientation
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Jane Doe</x:xmpmeta>'
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"Jane Doe, DOB 1980-01-01", xmp=xmp)
    return out.getvalue()


def png(size: tuple[int, int] = (40, 30), color: tuple[int, int, int] = (30, 160, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def png_decompression_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A tiny PNG whose header claims width x height pixels (3.6 gigapixels)."""
    data = bytearray(png((1, 1)))
    # IHDR: 8-byte signature, 4-byte length, "IHDR", then width and height.
    struct.pack_into(">II", data, 16, width, height)
    crc = zlib.crc32(bytes(data[12:29])) & 0xFFFFFFFF
    struct.pack_into(">I", data, 29, crc)
    return bytes(data)


def zip_bomb() -> bytes:
    """A zip of 100 MB of zeros (about 100 KB compressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photo.jpg", b"\0" * (100 * 1024 * 1024))
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(out, "GIF")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
