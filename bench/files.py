"""Upload, strip and thumbnail a 12-megapixel phone photo (tenant_apps/files/):
the image checked and decoded, the EXIF orientation applied, re-encoded without
metadata, the 400 px thumbnail made, and both written to the spa's storage,
on the local folder and on S3 (moto's server on loopback, tests/s3.py).

    .venv/bin/python bench/files.py [--runs 20]

The database row (one INSERT) is left out: the figure is the image work and the
storage writes, which are what grows with the photo.
"""

from __future__ import annotations

import argparse
import io
import secrets
import tempfile

from _django import setup, summary, timed


def phone_photo() -> bytes:
    """4000 x 3000 (12 MP), a soft gradient with sensor-like noise, GPS EXIF,
    taken sideways (orientation 6): about what a phone sends."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((4000, 3000))
    noise = Image.effect_noise((4000, 3000), 24)
    image = Image.merge(
        "RGB", (gradient, Image.blend(gradient, noise, 0.3), noise.point(lambda v: v // 2 + 90))
    )
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update({1: "N", 2: (40.0, 44.0, 54.36), 3: "W", 4: (73.0, 59.0, 8.5)})
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup(migrate=False)
    from django.conf import settings
    from django.core.files.base import ContentFile

    from tenant_apps.files.images import image_clean
    from tenant_apps.files.storage import spa_storage
    from tests.s3 import moto_s3

    data = phone_photo()
    print(f"photo: 4000 x 3000 JPEG, {len(data) / 1e6:.1f} MB, GPS EXIF, orientation 6")

    def upload() -> None:
        images = image_clean(data)
        assert images.thumbnail is not None
        storage = spa_storage("spa_bench")
        for item, purpose in ((images.image, "photo"), (images.thumbnail, "photo_thumb")):
            storage.save(
                f"{purpose}/{secrets.token_hex(16)}.{item.extension}", ContentFile(item.data)
            )

    clean = image_clean(data)
    assert clean.thumbnail is not None
    size = f"{clean.image.width} x {clean.image.height}, {len(clean.image.data) / 1e6:.1f} MB"
    print(f"stored: {size}; thumbnail {clean.thumbnail.width} x {clean.thumbnail.height}")
    only_image = [timed(lambda: image_clean(data)) for _ in range(args.runs)]
    print(f"{'image work only':<28}{summary(only_image)}")

    with tempfile.TemporaryDirectory() as root:
        settings.FILES_BACKEND, settings.FILES_ROOT = "local", root
        local = [timed(upload) for _ in range(args.runs)]
    print(f"{'local folder':<28}{summary(local)}")

    s3 = moto_s3()
    try:
        for name, value in s3.settings.items():
            setattr(settings, name, value)
        remote = [timed(upload) for _ in range(args.runs)]
    finally:
        s3.stop()
    print(f"{'S3 (moto on loopback)':<28}{summary(remote)}")


if __name__ == "__main__":
    main()
