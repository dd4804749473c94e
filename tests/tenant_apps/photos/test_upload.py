"""POST /photos/upload: a clinical photo stored stripped of its metadata, with
a thumbnail and the photo consent in force; refusals with status codes that
mean what they say, and nothing stored."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import tenant_context
from PIL import Image

from core.graphql.relay import to_global_id
from tenant_apps.files.models import StoredFile
from tenant_apps.files.services import file_open
from tenant_apps.photos.models import Photo
from tenants.models import Spa, SpaStatus
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.files import samples
from tests.tenant_apps.photos.helpers import photo_consent
from tests.tenant_apps.scheduling.factories import AppointmentFactory
from tests.tenant_apps.staff.factories import StaffProfileFactory


def gid(type_name: str, pk: int) -> tuple[str, int]:
    """An ID to mint on the spa's schema when the form is built (IDs name the spa)."""
    return (type_name, pk)


def form(spa, client, **fields):
    data = {
        "clientId": gid("Client", client.pk),
        "bodyArea": "GLABELLA",
        "view": "front",
        "phase": "BEFORE",
        "file": samples.upload(samples.jpeg_with_gps(size=(900, 600))),
    }
    data.update(fields)
    with tenant_context(spa):
        return {
            key: to_global_id(*value) if isinstance(value, tuple) else value
            for key, value in data.items()
        }


def nothing_stored(spa, stored_objects, before) -> bool:
    with tenant_context(spa):
        rows = StoredFile.objects.count() + Photo.objects.count()
    return rows == 0 and stored_objects.keys(spa.schema_name) == before


def test_a_provider_uploads_a_photo_stripped_with_a_thumbnail_and_its_consent(glow, signed_in):
    # given a client who consented to marketing photos, with a visit to this provider
    provider = signed_in(glow, "provider")
    with tenant_context(glow):
        client = ClientFactory()
        consent = photo_consent(client_id=client.pk, scope="marketing")
        appointment = AppointmentFactory(
            client=client, provider=StaffProfileFactory(user_id=provider.membership.user_id)
        )

    # when a provider uploads a phone photo carrying GPS coordinates
    response = provider.post(
        "/photos/upload",
        form(
            glow,
            client,
            appointmentId=gid("Appointment", appointment.pk),
            takenAt="2026-01-02T10:00:00Z",
        ),
    )

    # then it is stored, linked to the visit and the consent
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["errors"] == [] and body["photo"]["id"]
    with tenant_context(glow):
        photo = Photo.objects.select_related("image", "thumbnail").get()
        image = Image.open(io.BytesIO(file_open(photo.image)))
        thumbnail = Image.open(io.BytesIO(file_open(photo.thumbnail)))
    assert body["photo"]["id"] == to_global_id("Photo", photo.pk)
    assert (photo.body_area, photo.view, photo.phase) == ("glabella", "front", "before")
    assert photo.appointment_id == appointment.pk and photo.consent_response_id == consent.pk
    assert photo.created_by_user_id == provider.membership.user_id
    # and the stored image has no EXIF (so no GPS); the thumbnail is 400 px wide
    assert len(image.getexif()) == 0 and image.size == (900, 600)
    assert thumbnail.size == (400, 267)


def test_a_provider_uploads_only_to_their_own_appointments(glow, signed_in, stored_objects):
    # given a client's visit to another provider
    provider = signed_in(glow, "provider")
    with tenant_context(glow):
        client = ClientFactory()
        others = AppointmentFactory(client=client)
    before = stored_objects.keys(glow.schema_name)

    # when the provider uploads a photo naming that visit
    response = provider.post(
        "/photos/upload", form(glow, client, appointmentId=gid("Appointment", others.pk))
    )

    # then it is not found, as an unknown visit would be, and nothing is stored
    assert response.status_code == 404
    assert response.json()["errors"] == [
        {
            "code": "NOT_FOUND",
            "message": "No such appointment of this client.",
            "field": "appointmentId",
        }
    ]
    assert nothing_stored(glow, stored_objects, before)

    # while a manager attaches the photo to any visit
    manager = signed_in(glow, "manager")
    response = manager.post(
        "/photos/upload", form(glow, client, appointmentId=gid("Appointment", others.pk))
    )
    assert response.status_code == 201
    with tenant_context(glow):
        assert Photo.objects.get().appointment_id == others.pk


def test_a_photo_without_consent_records_none(glow, signed_in):
    with tenant_context(glow):
        client = ClientFactory()
    response = signed_in(glow, "manager").post("/photos/upload", form(glow, client))
    assert response.status_code == 201
    with tenant_context(glow):
        assert Photo.objects.get().consent_response_id is None


@pytest.mark.parametrize(
    ("role", "status", "code"),
    [(None, 401, "UNAUTHENTICATED"), ("front_desk", 403, "FORBIDDEN")],
)
def test_only_owners_managers_and_providers_upload(
    glow, client_for, signed_in, stored_objects, role, status, code
):
    with tenant_context(glow):
        client = ClientFactory()
    before = stored_objects.keys(glow.schema_name)
    http = client_for(glow) if role is None else signed_in(glow, role)
    response = http.post("/photos/upload", form(glow, client))
    assert response.status_code == status
    assert response.json()["errors"][0]["code"] == code
    assert nothing_stored(glow, stored_objects, before)


BAD = {
    "a text file named .jpg": (
        {"file": samples.upload(b"not an image at all\n" * 50, "photo.jpg", "image/jpeg")},
        415,
        "FILE_TYPE_NOT_ALLOWED",
        "file",
    ),
    "a zip bomb": (
        {"file": samples.upload(samples.zip_bomb(), "p.jpg")},
        415,
        "FILE_TYPE_NOT_ALLOWED",
        "file",
    ),
    "a PNG decompression bomb": (
        {"file": samples.upload(samples.png_decompression_bomb(), "p.png", "image/png")},
        400,
        "IMAGE_TOO_MANY_PIXELS",
        "file",
    ),
    "an unknown body area": ({"bodyArea": "elbow"}, 400, "VALUE_INVALID", "bodyArea"),
    "a time without a zone": ({"takenAt": "2026-01-02T10:00:00"}, 400, "VALUE_INVALID", "takenAt"),
    "not a time": ({"takenAt": "yesterday"}, 400, "VALUE_INVALID", "takenAt"),
    "no file": ({"file": ""}, 400, "VALUE_INVALID", "file"),
    "an unknown client": (
        {"clientId": gid("Client", 987654321)},
        404,
        "NOT_FOUND",
        "clientId",
    ),
    "an unknown appointment": (
        {"appointmentId": gid("Appointment", 987654321)},
        404,
        "NOT_FOUND",
        "appointmentId",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_a_bad_upload_gets_a_typed_error_and_stores_nothing(glow, signed_in, stored_objects, case):
    fields, status, code, field = BAD[case]
    with tenant_context(glow):
        client = ClientFactory()
    before = stored_objects.keys(glow.schema_name)

    response = signed_in(glow, "provider").post("/photos/upload", form(glow, client, **fields))

    assert response.status_code == status, response.content
    assert response.json() == {
        "photo": None,
        "errors": [
            {"code": code, "message": response.json()["errors"][0]["message"], "field": field}
        ],
    }
    assert nothing_stored(glow, stored_objects, before)


def test_an_upload_over_the_limit_is_413_before_the_body_is_read(
    glow, signed_in, stored_objects, settings
):
    settings.FILES_MAX_UPLOAD_BYTES = 1024 * 1024
    with tenant_context(glow):
        client = ClientFactory()
    before = stored_objects.keys(glow.schema_name)
    big = samples.upload(b"\xff\xd8\xff" + b"\0" * (2 * 1024 * 1024))
    response = signed_in(glow, "provider").post("/photos/upload", form(glow, client, file=big))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "FILE_TOO_LARGE"
    assert nothing_stored(glow, stored_objects, before)


def test_fifty_megabytes_is_413(glow, signed_in, stored_objects):
    with tenant_context(glow):
        client = ClientFactory()
    before = stored_objects.keys(glow.schema_name)
    big = samples.upload(b"\xff\xd8\xff" + b"\0" * (50 * 1024 * 1024))
    response = signed_in(glow, "provider").post("/photos/upload", form(glow, client, file=big))
    assert response.status_code == 413
    assert nothing_stored(glow, stored_objects, before)


def test_only_multipart_is_accepted(glow, signed_in):
    response = signed_in(glow, "provider").post(
        "/photos/upload", {"x": 1}, content_type="application/json"
    )
    assert response.status_code == 415


def test_a_client_of_another_spa_is_not_found(glow, radiance, signed_in, stored_objects):
    # given a glow client, and a radiance provider who sends that client's ID
    with tenant_context(glow):
        client = ClientFactory()
    before = stored_objects.keys(radiance.schema_name)
    response = signed_in(radiance, "provider").post("/photos/upload", form(glow, client))
    # then nothing is found, nothing stored in either spa
    assert response.status_code == 404
    assert nothing_stored(radiance, stored_objects, before)
    with tenant_context(glow):
        assert not Photo.objects.exists()


def test_a_suspended_spa_takes_no_uploads(glow, signed_in, stored_objects):
    with tenant_context(glow):
        client = ClientFactory()
    provider = signed_in(glow, "provider")
    before = stored_objects.keys(glow.schema_name)
    Spa.objects.filter(pk=glow.pk).update(status=SpaStatus.SUSPENDED)

    response = provider.post("/photos/upload", form(glow, client))

    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "SPA_SUSPENDED"
    assert nothing_stored(glow, stored_objects, before)
