"""Clinical photos: upload (the image stripped of its metadata and a
thumbnail, through tenant_apps/files/services.py) and the marketing export.

A photo records the photo consent in force when it was uploaded
(`photo_consent_response`, tenant_apps/forms/selectors.py). Exporting is for
marketing use and is refused for every photo whose client has not consented to
marketing now (PHOTO_NO_MARKETING_CONSENT): a withdrawal counts from the moment
it is recorded, whatever the consent was when the photo was taken.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients.models import Client
from tenant_apps.files.models import FilePurpose
from tenant_apps.files.services import file_discard, file_store_image_with_thumbnail
from tenant_apps.forms.selectors import photo_consent_response, photo_consent_scope
from tenant_apps.photos.errors import PhotosErrorCode
from tenant_apps.photos.models import BodyArea, Photo, PhotoPhase, PhotoView
from tenant_apps.scheduling.models import Appointment

MAX_EXPORT = 100


def _choice(value: str, choices: type, field: str) -> str:
    if value not in choices.values:  # type: ignore[attr-defined]
        raise field_error(PhotosErrorCode.VALUE_INVALID, f"Not a known {field}.", field)
    return value


def photo_upload(
    *,
    upload: UploadedFile,
    client_id: int,
    appointment_id: int | None,
    body_area: str,
    view: str,
    phase: str,
    taken_at: datetime | None,
    actor: Actor,
    provider_scope: int | None = None,
) -> Photo:
    """Store a clinical photo of `client_id` (stripped image and thumbnail),
    optionally of one of their appointments, with the photo consent in force.
    `provider_scope` (a public user id) limits a provider to their own
    appointments, as scheduling does (another's is NOT_FOUND, alike).
    Refusals: VALUE_INVALID (body_area, view, phase, taken_at), NOT_FOUND
    (client_id, appointment_id), and the files app's FILE_TOO_LARGE,
    FILE_TYPE_NOT_ALLOWED, FILE_INVALID_IMAGE, IMAGE_TOO_MANY_PIXELS (field
    "upload"). Nothing is stored on a refusal."""
    _choice(body_area, BodyArea, "body_area")
    _choice(view, PhotoView, "view")
    _choice(phase, PhotoPhase, "phase")
    now = timezone.now()
    if taken_at is None:
        taken_at = now
    elif timezone.is_naive(taken_at) or taken_at > now + timedelta(minutes=5):
        raise field_error(
            PhotosErrorCode.VALUE_INVALID, "A photo's time is past and has a zone.", "taken_at"
        )
    if not Client.objects.filter(pk=client_id).exists():
        raise field_error(PhotosErrorCode.NOT_FOUND, "No such client.", "client_id")
    if appointment_id is not None:
        appointments = Appointment.objects.filter(pk=appointment_id, client_id=client_id)
        if provider_scope is not None:
            appointments = appointments.filter(provider__user_id=provider_scope)
        if not appointments.exists():
            raise field_error(
                PhotosErrorCode.NOT_FOUND, "No such appointment of this client.", "appointment_id"
            )
    consent = photo_consent_response(client_id=client_id)
    image, thumbnail = file_store_image_with_thumbnail(
        upload=upload,
        purpose=FilePurpose.PHOTO,
        thumbnail_purpose=FilePurpose.PHOTO_THUMBNAIL,
        client_id=client_id,
        actor=actor,
    )
    try:
        with transaction.atomic():
            return Photo.objects.create(
                client_id=client_id,
                appointment_id=appointment_id,
                image=image,
                thumbnail=thumbnail,
                body_area=body_area,
                view=view,
                phase=phase,
                consent_response=consent,
                taken_at=taken_at,
                created_by_user_id=actor.user_id,
            )
    except BaseException:
        file_discard(files=[image, thumbnail])
        raise


def photos_for_export(*, photo_ids: Sequence[int], actor: Actor) -> list[Photo]:
    """The photos to export for marketing, each refused unless its client has
    consented to marketing (PHOTO_NO_MARKETING_CONSENT names how many are
    refused, never who); audited as a view of every client concerned."""
    ids = list(dict.fromkeys(photo_ids))
    if not ids:
        raise field_error(PhotosErrorCode.VALUE_INVALID, "Name at least one photo.", "ids")
    if len(ids) > MAX_EXPORT:
        raise field_error(
            PhotosErrorCode.TOO_MANY, f"At most {MAX_EXPORT} photos at a time.", "ids"
        )
    photos = list(Photo.objects.filter(pk__in=ids).select_related("image"))
    if len(photos) != len(ids):
        raise field_error(PhotosErrorCode.NOT_FOUND, "No such photo.", "ids")
    scopes = {
        client_id: photo_consent_scope(client_id=client_id)
        for client_id in {photo.client_id for photo in photos}
    }
    refused = [photo for photo in photos if scopes[photo.client_id] != "marketing"]
    if refused:
        raise field_error(
            PhotosErrorCode.PHOTO_NO_MARKETING_CONSENT,
            f"{len(refused)} of the photos may not be used for marketing: their client has "
            "not consented to it.",
            "ids",
        )
    audit_record(actor=actor, action=AuditAction.VIEW, client_ids=scopes.keys())
    order = {pk: index for index, pk in enumerate(ids)}
    return sorted(photos, key=lambda photo: order[photo.pk])
