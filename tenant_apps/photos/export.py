"""The marketing export: a signed, short-lived link to a ZIP of stripped images.

`photo_export_url` checks the photos (every one needs its client's marketing
consent, tenant_apps/photos/services.py) and signs a token holding the spa's
schema, the photo ids, the member and the expiry; `/photos/export/<token>`
checks it as `/files/<token>` does (tenant_apps/files/views.py: 404 for a
foreign, tampered or unauthenticated request, 410 when expired), checks the
consent again (a withdrawal in between counts), audits the read and answers
the ZIP. No ZIP is stored.
"""

from __future__ import annotations

import tempfile
import time
import zipfile
from collections.abc import Sequence

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_http_methods

from tenant_apps.audit.services import Actor
from tenant_apps.files.services import file_open
from tenant_apps.photos.services import photos_for_export
from tenants.db import connection

SALT = "photos.export"


def photo_export_url(*, photo_ids: Sequence[int], actor: Actor, ttl_seconds: int = 300) -> str:
    """`/photos/export/<token>` for `actor`, after checking every photo may be
    exported (refusals: NOT_FOUND, TOO_MANY, PHOTO_NO_MARKETING_CONSENT)."""
    photos = photos_for_export(photo_ids=photo_ids, actor=actor)
    token = signing.dumps(
        {
            "s": connection.schema_name,
            "p": [photo.pk for photo in photos],
            "u": actor.user_id,
            "e": int(time.time()) + max(1, ttl_seconds),
        },
        salt=SALT,
        compress=True,
    )
    return f"/photos/export/{token}"


def _headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_http_methods(["GET"])
def photo_export_download(request: HttpRequest, token: str) -> HttpResponseBase:
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Http404("No such export.") from None
    membership = getattr(request, "membership", None)
    if (
        not isinstance(payload, dict)
        or payload.get("s") != connection.schema_name
        or membership is None
        or payload.get("u") not in (None, membership.user_id)
        or not isinstance(payload.get("e"), int)
        or not isinstance(payload.get("p"), list)
    ):
        raise Http404("No such export.")
    if time.time() >= payload["e"]:
        return _headers(
            HttpResponse("This link has expired.", status=410, content_type="text/plain")
        )
    try:
        photos = photos_for_export(photo_ids=payload["p"], actor=Actor.of_request(request))
    except ValidationError:
        # A photo deleted or a consent withdrawn since the link was made.
        raise Http404("No such export.") from None
    # Up to 100 photos of a few MB each: spooled to a temporary file past 8 MB,
    # not held in memory (JPEG, PNG and WEBP do not compress further: stored).
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for photo in photos:
            extension = photo.image.key.rsplit(".", 1)[-1]
            archive.writestr(
                f"photo-{photo.pk}-{photo.body_area}-{photo.view}-{photo.phase}.{extension}",
                file_open(photo.image),
            )
    out.seek(0)
    response = FileResponse(
        out, content_type="application/zip", as_attachment=True, filename="photos.zip"
    )
    return _headers(response)
