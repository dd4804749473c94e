"""Clinical photos in the spa API. A photo is part of its client's record: each
one whose fields are resolved is logged in the PHI audit log (config/urls_tenant.py),
and its image is reached only through short-lived signed URLs, each read
audited again (tenant_apps/files/views.py)."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Choices
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode, to_global_id
from tenant_apps.audit.services import Actor
from tenant_apps.files.services import file_url
from tenant_apps.photos.errors import PhotosErrorCode
from tenant_apps.photos.models import BodyArea, Photo, PhotoPhase, PhotoView

PhotosErrorCodeEnum, PhotosError = error_type("Photos", PhotosErrorCode)
URL_TTL_SECONDS = 300


def _labels(type_description: str):  # type: ignore[no-untyped-def]
    def describe(value: Choices | None) -> str:
        return type_description if value is None else str(value.label)

    return describe


BodyAreaEnum = graphene.Enum.from_enum(
    BodyArea, name="PhotoBodyArea", description=_labels("The part of the body a photo shows.")
)
PhotoViewEnum = graphene.Enum.from_enum(
    PhotoView, name="PhotoView", description=_labels("The angle a photo is taken from.")
)
PhotoPhaseEnum = graphene.Enum.from_enum(
    PhotoPhase, name="PhotoPhase", description=_labels("When a photo is taken.")
)


class PhotoConsentScopeEnum(graphene.Enum):
    """What a client's photo consent allows (none when there is none in force)."""

    class Meta:
        name = "PhotoConsentScope"

    NONE = "none"
    CLINICAL = "clinical"
    MARKETING = "marketing"

    @property
    def description(self) -> str:
        return {
            "none": "No photo consent.",
            "clinical": "Clinical use only (the chart).",
            "marketing": "Clinical and marketing use.",
        }[str(self.value)]


def _url(info: Any, file: Any) -> str:
    actor = Actor.of_request(info.context)
    return file_url(file=file, actor=actor, ttl_seconds=URL_TTL_SECONDS)


class PhotoNode(DjangoObjectType):
    """A clinical photo: its image stripped of metadata (EXIF, GPS included), a
    thumbnail, the body area and view, the visit, the consent it was taken under."""

    class Meta:
        model = Photo
        name = "Photo"
        interfaces = (SpaNode,)
        fields = ("taken_at", "created_at")

    body_area = graphene.Field(BodyAreaEnum, required=True)
    view = graphene.Field(PhotoViewEnum, required=True)
    phase = graphene.Field(PhotoPhaseEnum, required=True)
    taken_at = graphene.DateTime(required=True)
    created_at = graphene.DateTime(required=True)
    appointment_id = graphene.ID(description="The visit it was taken at, if any.")
    width = graphene.Int(required=True, description="Pixels, upright.")
    height = graphene.Int(required=True, description="Pixels, upright.")
    image_url = graphene.String(
        required=True,
        description="A signed address of the image on this host, valid 5 minutes, for the "
        "member asking only; fetch it with the bearer token.",
    )
    thumbnail_url = graphene.String(
        required=True, description="As imageUrl, for the thumbnail (longest side 400 px)."
    )
    consent_scope = graphene.Field(
        PhotoConsentScopeEnum,
        required=True,
        description="The photo consent in force when the photo was taken.",
    )

    @staticmethod
    def resolve_appointment_id(root: Photo, info: Any) -> str | None:
        if root.appointment_id is None:
            return None
        return to_global_id("Appointment", root.appointment_id)

    @staticmethod
    def resolve_width(root: Photo, info: Any) -> int:
        return root.image.width or 0

    @staticmethod
    def resolve_height(root: Photo, info: Any) -> int:
        return root.image.height or 0

    @staticmethod
    def resolve_image_url(root: Photo, info: Any) -> str:
        return _url(info, root.image)

    @staticmethod
    def resolve_thumbnail_url(root: Photo, info: Any) -> str:
        return _url(info, root.thumbnail)

    @staticmethod
    def resolve_consent_scope(root: Photo, info: Any) -> str:
        consent = root.consent_response
        if consent is None:
            return "none"
        return "marketing" if consent.photo_scope == "marketing" else "clinical"


class PhotoConnection(CountableConnection):
    class Meta:
        node = PhotoNode
