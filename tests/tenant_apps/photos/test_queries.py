"""clientPhotos: a client's photos with signed, short-lived image and
thumbnail URLs, the consent each was taken under, a bounded number of
queries, audited; nothing of one spa reachable from another."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditAction, AuditEntry
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.photos.helpers import a_photo, photo_consent
from tests.tenant_apps.scheduling.factories import AppointmentFactory
from tests.tenant_apps.staff.factories import StaffProfileFactory

PHOTOS = """
query ($clientId: ID!, $appointmentId: ID, $first: Int!, $after: String) {
  clientPhotos(clientId: $clientId, appointmentId: $appointmentId, first: $first, after: $after) {
    edges { node { id bodyArea view phase takenAt width height appointmentId
                   thumbnailUrl imageUrl consentScope } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
CONSENT = "query ($clientId: ID!) { clientPhotoConsent(clientId: $clientId) }"


def test_a_member_lists_a_clients_photos_and_opens_them(glow, signed_in):
    # given a client with a clinical-only photo consent and two photos, one of a
    # visit to the provider
    provider = signed_in(glow, "provider")
    with tenant_context(glow):
        client = ClientFactory()
        photo_consent(client_id=client.pk, scope="clinical")
        appointment = AppointmentFactory(
            client=client, provider=StaffProfileFactory(user_id=provider.membership.user_id)
        )
        first = a_photo(client_id=client.pk, body_area="lips", view="left", phase="before")
        second = a_photo(client_id=client.pk, appointment_id=appointment.pk, phase="after")
        client_id = to_global_id("Client", client.pk)
        appointment_id = to_global_id("Appointment", appointment.pk)

    # when a provider lists them
    answer = provider.graphql(PHOTOS, {"clientId": client_id, "first": 10})

    # then both come, newest first, with what the web app shows
    assert not answer.errors, answer.errors
    nodes = [edge["node"] for edge in answer.data["clientPhotos"]["edges"]]
    with tenant_context(glow):
        expected = [to_global_id("Photo", second.pk), to_global_id("Photo", first.pk)]
    assert [node["id"] for node in nodes] == expected
    assert {node["phase"] for node in nodes} == {"BEFORE", "AFTER"}
    assert nodes[1]["bodyArea"] == "LIPS" and nodes[1]["view"] == "LEFT"
    assert nodes[0]["appointmentId"] == appointment_id and nodes[1]["appointmentId"] is None
    assert (nodes[0]["width"], nodes[0]["height"]) == (120, 80)
    assert {node["consentScope"] for node in nodes} == {"CLINICAL"}
    # and the URLs are the app's own, signed, and serve the image to this member
    for node in nodes:
        for url in (node["thumbnailUrl"], node["imageUrl"]):
            assert url.startswith("/files/")
            response = provider.get(url)
            assert response.status_code == 200
            assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"
    # and only the visit's photo when asked for it
    visit = provider.graphql(
        PHOTOS, {"clientId": client_id, "appointmentId": appointment_id, "first": 10}
    )
    assert [e["node"]["phase"] for e in visit.data["clientPhotos"]["edges"]] == ["AFTER"]


def test_a_provider_filters_by_their_own_visits_only(glow, signed_in):
    # given a client's photo of a visit to another provider
    provider = signed_in(glow, "provider")
    with tenant_context(glow):
        client = ClientFactory()
        others = AppointmentFactory(client=client)
        a_photo(client_id=client.pk, appointment_id=others.pk)
        variables = {
            "clientId": to_global_id("Client", client.pk),
            "appointmentId": to_global_id("Appointment", others.pk),
            "first": 10,
        }

    # when the provider and a front desk member ask for that visit's photos
    theirs = provider.graphql(PHOTOS, variables)
    desk = signed_in(glow, "front_desk").graphql(PHOTOS, variables)

    # then the provider finds none (as for an unknown visit); the desk finds it
    assert not theirs.errors and theirs.data["clientPhotos"]["edges"] == []
    assert not desk.errors and len(desk.data["clientPhotos"]["edges"]) == 1


def test_the_list_costs_the_same_queries_for_one_photo_or_ten_and_is_audited(
    glow, signed_in, django_assert_num_queries
):
    with tenant_context(glow):
        client = ClientFactory()
        photo_consent(client_id=client.pk, scope="marketing")
        for _ in range(10):
            a_photo(client_id=client.pk)
        client_id = to_global_id("Client", client.pk)
    member = signed_in(glow, "front_desk")
    member.graphql(PHOTOS, {"clientId": client_id, "first": 1})  # warm: routing, token
    with tenant_context(glow):
        before = AuditEntry.objects.count()

    # the token, the page (photos with their files and consent), the audit insert
    with django_assert_num_queries(3):
        small = member.graphql(PHOTOS, {"clientId": client_id, "first": 1})
    with django_assert_num_queries(3):
        large = member.graphql(PHOTOS, {"clientId": client_id, "first": 10})

    assert len(small.data["clientPhotos"]["edges"]) == 1
    assert len(large.data["clientPhotos"]["edges"]) == 10
    assert {e["node"]["consentScope"] for e in large.data["clientPhotos"]["edges"]} == {"MARKETING"}
    # one audit row per request, naming the client
    with tenant_context(glow):
        entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.client_ids) for e in entries] == [(AuditAction.VIEW, [client.pk])] * 2


def test_the_photo_consent_now(glow, signed_in):
    with tenant_context(glow):
        marketing, clinical, declined, none = ClientFactory.create_batch(4)
        photo_consent(client_id=marketing.pk, scope="marketing")
        photo_consent(client_id=clinical.pk, scope="clinical")
        photo_consent(client_id=declined.pk, scope=None)
        ids = {c: to_global_id("Client", c.pk) for c in (marketing, clinical, declined, none)}
        unknown = to_global_id("Client", 987654321)
    member = signed_in(glow, "front_desk")
    answers = {
        c: member.graphql(CONSENT, {"clientId": i}).data["clientPhotoConsent"]
        for c, i in ids.items()
    }
    assert answers == {marketing: "MARKETING", clinical: "CLINICAL", declined: "NONE", none: "NONE"}
    assert member.graphql(CONSENT, {"clientId": unknown}).data["clientPhotoConsent"] is None


def test_a_clients_photos_are_not_reachable_from_another_spa(glow, radiance, signed_in):
    # given a glow client's photo
    with tenant_context(glow):
        client = ClientFactory()
        photo = a_photo(client_id=client.pk)
        client_id = to_global_id("Client", client.pk)
        photo_id = to_global_id("Photo", photo.pk)
    glow_member = signed_in(glow, "owner")
    image_url = glow_member.graphql(PHOTOS, {"clientId": client_id, "first": 5}).data[
        "clientPhotos"
    ]["edges"][0]["node"]["imageUrl"]
    radiance_member = signed_in(radiance, "owner")

    # when a radiance member asks with glow's IDs and URL
    listed = radiance_member.graphql(PHOTOS, {"clientId": client_id, "first": 5})
    node = radiance_member.graphql("query ($id: ID!) { node(id: $id) { id } }", {"id": photo_id})
    served = radiance_member.get(image_url)

    # then nothing is found
    assert not listed.errors and listed.data["clientPhotos"]["edges"] == []
    assert node.data["node"] is None
    assert served.status_code == 404


def test_reading_a_clients_photo_consent_is_logged(glow, signed_in):
    with tenant_context(glow):
        client = ClientFactory()
        photo_consent(client_id=client.pk, scope="marketing")
        client_id = to_global_id("Client", client.pk)
    member = signed_in(glow, "front_desk")

    answer = member.graphql(CONSENT, {"clientId": client_id})

    assert answer.data["clientPhotoConsent"] == "MARKETING"
    with tenant_context(glow):
        assert AuditEntry.objects.filter(
            actor_user_id=member.membership.user_id,
            action=AuditAction.VIEW,
            client_ids=[client.pk],
        ).exists()
