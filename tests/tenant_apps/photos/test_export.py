"""photoExport: a signed link to a ZIP of stripped images, for marketing use,
refused for every photo whose client has not consented to marketing; audited;
the link serves only its member on its spa's host."""

from __future__ import annotations

import io
import zipfile

from django_tenants.utils import tenant_context
from PIL import Image

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditAction, AuditEntry
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.photos.helpers import a_photo, photo_consent

EXPORT = "mutation ($ids: [ID!]!) { photoExport(ids: $ids) { url errors { code field message } } }"


def photos_of(spa, *scopes):
    """One photo per client, each client with that photo consent ("none": no consent)."""
    ids = []
    with tenant_context(spa):
        for scope in scopes:
            client = ClientFactory()
            if scope != "none":
                photo_consent(client_id=client.pk, scope=scope)
            ids.append(to_global_id("Photo", a_photo(client_id=client.pk).pk))
    return ids


def test_export_is_refused_without_marketing_consent(glow, signed_in):
    manager = signed_in(glow, "manager")
    for scopes in (["clinical"], ["none"], [None], ["marketing", "clinical"]):
        ids = photos_of(glow, *scopes)
        answer = manager.graphql(EXPORT, {"ids": ids})
        payload = answer.data["photoExport"]
        assert payload["url"] is None, scopes
        assert [e["code"] for e in payload["errors"]] == ["PHOTO_NO_MARKETING_CONSENT"], scopes


def test_export_with_marketing_consent_gives_a_zip_of_stripped_images_audited(glow, signed_in):
    # given two photos of clients who consented to marketing
    ids = photos_of(glow, "marketing", "marketing")
    manager = signed_in(glow, "manager")
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    # when a manager exports them and opens the link
    payload = manager.graphql(EXPORT, {"ids": ids}).data["photoExport"]
    assert payload["errors"] == [] and payload["url"].startswith("/photos/export/")
    response = manager.get(payload["url"])

    # then the ZIP holds both images, without metadata
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
        images = [Image.open(io.BytesIO(archive.read(name))) for name in names]
    assert len(names) == 2 and all(name.endswith(".jpg") for name in names)
    assert all(len(image.getexif()) == 0 for image in images)
    # and the export and the download are audited as views of both clients
    with tenant_context(glow):
        entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == [AuditAction.VIEW, AuditAction.VIEW]
    assert all(len(e.client_ids) == 2 for e in entries)


def test_the_export_link_is_only_for_its_member_on_its_spa(glow, radiance, signed_in, client_for):
    ids = photos_of(glow, "marketing")
    manager = signed_in(glow, "manager")
    url = manager.graphql(EXPORT, {"ids": ids}).data["photoExport"]["url"]

    assert client_for(glow).get(url).status_code == 404
    assert signed_in(glow, "owner").get(url).status_code == 404
    assert signed_in(radiance, "owner").get(url).status_code == 404
    assert manager.get(url[:-3] + "abc").status_code == 404
    assert manager.get(url).status_code == 200


def test_a_consent_withdrawn_after_the_link_was_made_stops_the_download(glow, signed_in):
    with tenant_context(glow):
        client = ClientFactory()
        photo_consent(client_id=client.pk, scope="marketing")
        ids = [to_global_id("Photo", a_photo(client_id=client.pk).pk)]
    manager = signed_in(glow, "manager")
    url = manager.graphql(EXPORT, {"ids": ids}).data["photoExport"]["url"]

    with tenant_context(glow):
        photo_consent(client_id=client.pk, scope=None)  # declined: withdrawn

    assert manager.get(url).status_code == 404


def test_photos_of_another_spa_are_not_found(glow, radiance, signed_in):
    ids = photos_of(glow, "marketing")
    payload = signed_in(radiance, "manager").graphql(EXPORT, {"ids": ids}).data["photoExport"]
    assert payload["url"] is None
    assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"]
