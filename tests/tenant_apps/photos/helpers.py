"""Photos and photo consents for tests (make them on a spa's schema)."""

from __future__ import annotations

import datetime as dt

from tenant_apps.audit.services import Actor
from tenant_apps.forms.models import FormResponse
from tenant_apps.photos.models import Photo
from tenant_apps.photos.services import photo_upload
from tests.tenant_apps.files import samples
from tests.tenant_apps.forms.factories import a_response, a_schema, a_version

ACTOR = Actor.system("test")


def photo_consent(*, client_id: int, scope: str | None) -> FormResponse:
    """The client's photo consent: "clinical", "marketing", or None (declined)."""
    version = a_version(kind="photo_consent", schema=a_schema(signature=False))
    return a_response(
        client_id=client_id,
        version=version,
        decision="accepted" if scope else "declined",
        photo_scope=scope or "",
    )


def a_photo(*, client_id: int, appointment_id: int | None = None, **fields: str) -> Photo:
    return photo_upload(
        upload=samples.upload(samples.jpeg_with_gps(size=(120, 80))),
        client_id=client_id,
        appointment_id=appointment_id,
        body_area=fields.get("body_area", "forehead"),
        view=fields.get("view", "front"),
        phase=fields.get("phase", "before"),
        taken_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
        actor=ACTOR,
    )
