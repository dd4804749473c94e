"""Signed file URLs: `/files/<token>` serves a file to a signed-in member of
the spa whose file it is, audited; a file of spa A is unreachable from spa B's
host whatever the URL (signed for A, tampered, expired, another file id)."""

from __future__ import annotations

import json
import time

import pytest
from django.core import signing
from django_tenants.utils import tenant_context

from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.files.models import FilePurpose
from tenant_apps.files.services import file_open, file_store_bytes, file_url
from tenant_apps.files.tokens import token_make
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.files.samples import png


def a_file(spa, *, color=(30, 160, 200)):
    with tenant_context(spa):
        client = ClientFactory()
        stored = file_store_bytes(
            data=png(color=color),
            content_type="image/png",
            purpose=FilePurpose.PHOTO,
            client_id=client.pk,
            actor=Actor.system("test"),
        )
        return stored, file_open(stored)


def with_file_id(token: str, file_id: int) -> str:
    """The token with another file id in its payload, the signature kept."""
    payload, rest = token.split(":", 1)
    data = json.loads(signing.b64_decode(payload.encode()))
    data["f"] = file_id
    forged = signing.b64_encode(json.dumps(data, separators=(",", ":")).encode()).decode()
    assert forged != payload
    return f"{forged}:{rest}"


def url_for(spa, stored, membership, **options) -> str:
    with tenant_context(spa):
        return file_url(
            file=stored, actor=Actor(user_id=membership.user_id, role=membership.role), **options
        )


def test_a_member_reads_a_file_through_its_signed_url_and_the_read_is_audited(
    files_backend, glow, signed_in
):
    # given a file of a glow client and a signed-in provider
    stored, data = a_file(glow)
    provider = signed_in(glow, "provider")
    url = url_for(glow, stored, provider.membership)
    assert url.startswith("/files/") and stored.key not in url

    # when they open the URL
    response = provider.get(url)

    # then they get the bytes, with headers that keep it private and inert
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Disposition"] == f'inline; filename="photo-{stored.pk}.png"'
    # and the read is audited against the file's client, by that member
    with tenant_context(glow):
        entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == AuditAction.VIEW and entry.client_ids == [stored.client_id]
    assert entry.actor_user_id == provider.membership.user_id


def test_a_download_url_asks_the_browser_to_save(glow, signed_in):
    stored, _ = a_file(glow)
    manager = signed_in(glow, "manager")
    response = manager.get(url_for(glow, stored, manager.membership, download=True))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")


def test_without_a_signed_in_member_the_url_is_not_found(glow, client_for, signed_in):
    stored, _ = a_file(glow)
    provider = signed_in(glow, "provider")
    url = url_for(glow, stored, provider.membership)

    assert client_for(glow).get(url).status_code == 404


def test_a_url_made_for_one_member_is_not_found_for_another(glow, signed_in):
    stored, _ = a_file(glow)
    provider, other = signed_in(glow, "provider"), signed_in(glow, "manager")
    url = url_for(glow, stored, provider.membership)
    assert other.get(url).status_code == 404


def test_a_file_of_spa_a_is_unreachable_from_spa_b_whatever_the_url(glow, radiance, signed_in):
    # given a file in each spa (their ids may well be equal: each schema counts from 1)
    glow_file, _ = a_file(glow, color=(1, 2, 3))
    radiance_file, _ = a_file(radiance, color=(200, 1, 1))
    glow_member = signed_in(glow, "owner")
    radiance_member = signed_in(radiance, "owner")
    glow_url = url_for(glow, glow_file, glow_member.membership)
    token = glow_url.removeprefix("/files/")
    forged = {
        # signed for glow, used on radiance's host by a radiance member
        "signed for A": glow_url,
        # the same, tampered with (a byte of the payload changed)
        "tampered": "/files/" + ("x" if token[0] != "x" else "y") + token[1:],
        # another file id written into glow's signed token
        "other file id": "/files/" + with_file_id(token, glow_file.pk + 1),
        # made with a key or salt that is not ours
        "garbage": "/files/eyJzIjoic3BhX3JhZGlhbmNlIiwiZiI6MX0:abc",
        "expired and signed for A": "/files/"
        + token_make(
            schema_name=glow.schema_name,
            file_id=glow_file.pk,
            user_id=None,
            expires_at=int(time.time()) - 10,
            download=False,
        ),
    }
    with tenant_context(radiance):
        audits_before = AuditEntry.objects.count()
    for what, url in forged.items():
        response = radiance_member.get(url)
        assert response.status_code == 404, what
        assert b"\x89PNG" not in response.content, what
    # nothing was read, so nothing was audited
    with tenant_context(radiance):
        assert AuditEntry.objects.count() == audits_before
    # and the same token still works where it belongs
    assert glow_member.get(glow_url).status_code == 200
    assert radiance_file.pk  # radiance's own file was never served


def test_an_expired_url_is_gone(glow, signed_in):
    stored, _ = a_file(glow)
    member = signed_in(glow, "provider")
    expired = token_make(
        schema_name=glow.schema_name,
        file_id=stored.pk,
        user_id=member.membership.user_id,
        expires_at=int(time.time()) - 1,
        download=False,
    )
    assert member.get(f"/files/{expired}").status_code == 410


def test_a_url_naming_a_file_that_does_not_exist_is_not_found(glow, signed_in):
    member = signed_in(glow, "provider")
    token = token_make(
        schema_name=glow.schema_name,
        file_id=987654321,
        user_id=member.membership.user_id,
        expires_at=int(time.time()) + 60,
        download=False,
    )
    assert member.get(f"/files/{token}").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_served(glow, signed_in, method):
    stored, _ = a_file(glow)
    member = signed_in(glow, "provider")
    url = url_for(glow, stored, member.membership)
    assert getattr(member, method)(url).status_code == 405
