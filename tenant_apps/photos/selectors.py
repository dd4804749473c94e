"""Reading clinical photos."""

from __future__ import annotations

from django.db.models import QuerySet

from tenant_apps.photos.models import Photo


def photo_list(
    *, client_id: int, appointment_id: int | None = None, provider_user_id: int | None = None
) -> QuerySet[Photo]:
    """A client's photos (of one appointment when given), with their files and
    the consent they were taken under, in one query. With an appointment,
    `provider_user_id` (a provider's scope) finds nothing unless it is theirs."""
    photos = Photo.objects.filter(client_id=client_id).select_related(
        "image", "thumbnail", "consent_response"
    )
    if appointment_id is not None:
        photos = photos.filter(appointment_id=appointment_id)
        if provider_user_id is not None:
            photos = photos.filter(appointment__provider__user_id=provider_user_id)
    return photos
