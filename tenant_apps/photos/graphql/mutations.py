"""Clinical photos' mutations in the spa API (the upload is an HTTP endpoint,
POST /photos/upload: tenant_apps/photos/views.py)."""

from __future__ import annotations

import graphene

from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MANAGERS
from tenant_apps.audit.services import Actor
from tenant_apps.photos.errors import PhotosErrorCode
from tenant_apps.photos.export import photo_export_url
from tenant_apps.photos.graphql.types import PhotosError

_ERRORS = "Why nothing was done; empty on success."


class PhotoExport(SpaMutation):
    """A signed link (5 minutes, for you alone; fetch it with the bearer token)
    to a ZIP of the photos' stripped images, for marketing use. Refused
    (PHOTO_NO_MARKETING_CONSENT) unless every photo's client has consented to
    marketing. Audited."""

    permission = MANAGERS
    error_codes = frozenset(PhotosErrorCode)

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    url = graphene.String(description="Null on errors.")
    errors = graphene.List(graphene.NonNull(PhotosError), required=True, description=_ERRORS)

    @classmethod
    def perform(cls, root, info, membership, ids):  # type: ignore[no-untyped-def]
        # An ID that is not a photo of this spa matches nothing (NOT_FOUND).
        photo_ids = [pk_from_global_id(value, "Photo") or 0 for value in ids]
        url = photo_export_url(photo_ids=photo_ids, actor=Actor.of_request(info.context))
        return cls(url=url, errors=[])


class PhotosMutations(graphene.ObjectType):
    photo_export = PhotoExport.Field()
