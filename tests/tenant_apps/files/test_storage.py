"""The spa's storage, on both backends (the local folder and S3 through moto's
server): a round trip, one folder or prefix per spa, and no key that leaves it."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from tenant_apps.audit.services import Actor
from tenant_apps.files.models import FilePurpose
from tenant_apps.files.services import file_open, file_store_bytes
from tenant_apps.files.storage import spa_storage
from tests.s3 import BUCKET
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.files.samples import png

ACTOR = Actor.system("test")
PDF = b"%PDF-1.7\n%test\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_file_round_trips_inside_the_spas_own_folder_or_prefix(files_backend, glow):
    # given a client of glow
    with tenant_context(glow):
        client = ClientFactory()
        # when a signed document is stored for them
        stored = file_store_bytes(
            data=PDF,
            content_type="application/pdf",
            purpose=FilePurpose.SIGNED_DOCUMENT,
            client_id=client.pk,
            actor=ACTOR,
        )
        # then it reads back whole, under a random key holding no PHI
        assert file_open(stored) == PDF
    assert stored.key.startswith("signed_doc/") and stored.key.endswith(".pdf")
    assert client.last_name.lower() not in stored.key.lower()
    assert stored.size_bytes == len(PDF)
    # and it is in glow's folder or prefix, and nowhere else
    assert stored.key in files_backend.keys(glow.schema_name)
    if files_backend.s3 is not None:
        # private: the owner alone has any grant
        acl = files_backend.s3.client().get_object_acl(
            Bucket=BUCKET, Key=f"{glow.schema_name}/{stored.key}"
        )
        assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
        assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"


def test_an_image_round_trips_reencoded(files_backend, glow):
    with tenant_context(glow):
        stored = file_store_bytes(
            data=png(),
            content_type="image/png",
            purpose=FilePurpose.SIGNATURE,
            client_id=None,
            actor=ACTOR,
        )
        data = file_open(stored)
    assert data.startswith(b"\x89PNG") and stored.content_type == "image/png"
    assert (stored.width, stored.height) == (40, 30)
    assert stored.key in files_backend.keys(glow.schema_name)


def test_one_spas_storage_cannot_reach_another_spas_object(files_backend, glow, radiance):
    # given a file of glow
    with tenant_context(glow):
        stored = file_store_bytes(
            data=PDF,
            content_type="application/pdf",
            purpose=FilePurpose.SIGNED_DOCUMENT,
            client_id=None,
            actor=ACTOR,
        )
    # when radiance's storage is asked for the same key, it has nothing
    with tenant_context(radiance):
        assert not spa_storage().exists(stored.key)
        with pytest.raises(FileNotFoundError):
            spa_storage().open(stored.key).read()
    assert stored.key not in files_backend.keys(radiance.schema_name)


@pytest.mark.parametrize(
    "name",
    [
        "../spa_radiance/signed_doc/0123456789abcdef0123456789abcdef.pdf",
        "signed_doc/../../spa_radiance/signed_doc/0123456789abcdef0123456789abcdef.pdf",
        "/etc/passwd",
        "..",
        "signed_doc/..%2f..%2fx.pdf",
        "signed_doc\\..\\..\\x.pdf",
        "photo/0123456789abcdef0123456789abcdef.jpg/../../x.jpg",
        "",
    ],
)
def test_no_name_leaves_the_spas_folder_or_prefix(files_backend, glow, name):
    with tenant_context(glow):
        storage = spa_storage()
        for attempt in (
            lambda: storage.save(name, ContentFile(b"x")),
            lambda: storage.open(name),
            lambda: storage.exists(name),
            lambda: storage.delete(name),
        ):
            with pytest.raises(SuspiciousFileOperation):
                attempt()


def test_the_public_schema_has_no_storage(db):
    with pytest.raises(SuspiciousFileOperation):
        spa_storage("public")
    with pytest.raises(SuspiciousFileOperation):
        spa_storage("../spa_glow")
