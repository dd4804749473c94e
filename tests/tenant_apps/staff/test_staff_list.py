"""The staff list: filters, constant query counts, and IDs bound to their spa."""

import datetime

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.staff.models import Credential, CredentialKind, StaffProfile, TimeOff, WorkingHours
from tests.tenant_apps.locations.factories import LocationFactory, on_spa
from tests.tenant_apps.staff.factories import (
    CredentialFactory,
    StaffProfileFactory,
    TimeOffFactory,
    WorkingHoursFactory,
)

LIST = """
query($first: Int, $providersOnly: Boolean, $active: Boolean, $locationId: ID) {
  staff(first: $first, providersOnly: $providersOnly, active: $active, locationId: $locationId) {
    edges { node {
      id displayName isProvider
      credentials { kind }
      workingHours { weekday location { name } }
      upcomingTimeOff { reason }
    } }
  }
}
"""


def _names(answer):
    return [edge["node"]["displayName"] for edge in answer.data["staff"]["edges"]]


def test_filters_by_provider_activity_and_location(glow, signed_in):
    with on_spa(glow):
        midtown = LocationFactory(name="Midtown")
        WorkingHoursFactory(staff=StaffProfileFactory(display_name="Cole"), location=midtown)
        WorkingHoursFactory(
            staff=StaffProfileFactory(display_name="Bea", is_provider=False), location=midtown
        )
        StaffProfileFactory(display_name="Ann")
        StaffProfileFactory(display_name="Dee", is_active=False)
        midtown_id = to_global_id("Location", midtown.pk)
    client = signed_in(glow, "front_desk")

    everyone = client.graphql(LIST, {"first": 10})
    providers = client.graphql(LIST, {"first": 10, "providersOnly": True, "active": True})
    inactive = client.graphql(LIST, {"first": 10, "active": False})
    at_midtown = client.graphql(LIST, {"first": 10, "locationId": midtown_id})
    nowhere = client.graphql(LIST, {"first": 10, "locationId": "not-an-id"})

    assert _names(everyone) == ["Ann", "Bea", "Cole", "Dee"]
    assert _names(providers) == ["Ann", "Cole"]
    assert _names(inactive) == ["Dee"]
    assert _names(at_midtown) == ["Bea", "Cole"]
    assert _names(nowhere) == []


def test_a_page_of_staff_costs_the_same_queries_whatever_its_size(
    glow, signed_in, django_assert_num_queries
):
    with on_spa(glow):
        locations = LocationFactory.create_batch(3)
        for n in range(100):
            staff = StaffProfileFactory(display_name=f"Provider {n:03}")
            CredentialFactory(staff=staff, kind=CredentialKind.RN)
            CredentialFactory(staff=staff, kind=CredentialKind.NP)
            for day in (1, 2):
                WorkingHoursFactory(staff=staff, location=locations[n % 3], weekday=day)
            TimeOffFactory(staff=staff)
    client = signed_in(glow, "provider")
    client.graphql(LIST, {"first": 1})  # warm the routing cache and token

    # the token, the page, then credentials, working hours (with their
    # locations) and upcoming time off: one query each (the warm-up left the
    # connection on glow's search_path: no SET)
    with django_assert_num_queries(5):
        small = client.graphql(LIST, {"first": 1})
    with django_assert_num_queries(5):
        large = client.graphql(LIST, {"first": 100})
    # what is not asked for is not fetched
    with django_assert_num_queries(2):
        client.graphql("{ staff(first: 100) { edges { node { displayName } } } }")

    assert len(small.data["staff"]["edges"]) == 1
    nodes = [edge["node"] for edge in large.data["staff"]["edges"]]
    assert len(nodes) == 100
    assert all(len(node["credentials"]) == 2 for node in nodes)
    assert all(len(node["workingHours"]) == 2 for node in nodes)
    assert all(len(node["upcomingTimeOff"]) == 1 for node in nodes)


NODE = """
query($id: ID!) {
  node(id: $id) {
    id
    ... on StaffMember { displayName credentials { kind } workingHours { weekday } }
    ... on StaffCredential { licenceNumber }
    ... on WorkingHours { weekday location { name } }
    ... on TimeOff { reason }
  }
}
"""

# Each mutation that names a staff record, run on radiance with glow's IDs.
FOREIGN_MUTATIONS = {
    "updateStaffMember": (
        'mutation($staff: ID!) { updateStaffMember(id: $staff, input: {displayName: "Stolen"}) '
        "{ errors { field code } } }",
        [{"field": "id", "code": "NOT_FOUND"}],
    ),
    "setCredential": (
        "mutation($staff: ID!) { setCredential(staffMemberId: $staff, input: {kind: MD, "
        'licenceNumber: "X", issuingRegion: "CA", expiresOn: "2999-01-01"}) '
        "{ errors { field code } } }",
        [{"field": "staffMemberId", "code": "NOT_FOUND"}],
    ),
    "removeCredential": (
        "mutation($credential: ID!) { removeCredential(id: $credential) { errors { field code } } }",
        [{"field": "id", "code": "NOT_FOUND"}],
    ),
    "setWorkingHours": (
        "mutation($staff: ID!, $location: ID!) { setWorkingHours(staffMemberId: $staff, "
        "locationId: $location, hours: []) { errors { field code } } }",
        [
            {"field": "staffMemberId", "code": "NOT_FOUND"},
            {"field": "locationId", "code": "LOCATION_NOT_FOUND"},
        ],
    ),
    "addTimeOff": (
        "mutation($staff: ID!) { addTimeOff(staffMemberId: $staff, input: "
        '{startsAt: "2031-01-01T09:00:00Z", endsAt: "2031-01-01T10:00:00Z"}) '
        "{ errors { field code } } }",
        [{"field": "staffMemberId", "code": "NOT_FOUND"}],
    ),
    "removeTimeOff": (
        "mutation($timeOff: ID!) { removeTimeOff(id: $timeOff) { errors { field code } } }",
        [{"field": "id", "code": "NOT_FOUND"}],
    ),
}


def _records(spa):
    """Glow's or radiance's staff records, as comparable values."""
    with on_spa(spa):
        return (
            list(StaffProfile.objects.values_list("pk", "display_name", "is_active")),
            list(Credential.objects.values_list("pk", "kind", "licence_number")),
            list(WorkingHours.objects.values_list("pk", "location_id", "weekday", "starts_at")),
            list(TimeOff.objects.values_list("pk", "starts_at", "ends_at")),
        )


def _variables(document, ids):
    return {name: ids[name] for name in ids if f"${name}" in document}


@pytest.fixture
def twins(glow, radiance):
    """The same records, with the same primary keys, in both spas; glow's global IDs."""
    ids = {}
    for spa in (glow, radiance):
        with on_spa(spa):
            staff = StaffProfileFactory(pk=500, user_id=77, display_name=f"{spa.slug} Lee")
            location = LocationFactory(pk=600)
            credential = CredentialFactory(pk=700, staff=staff)
            hours = WorkingHoursFactory(pk=800, staff=staff, location=location)
            time_off = TimeOffFactory(
                pk=900, staff=staff, starts_at=datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)
            )
            if spa == glow:
                ids = {
                    "staff": to_global_id("StaffMember", staff.pk),
                    "location": to_global_id("Location", location.pk),
                    "credential": to_global_id("StaffCredential", credential.pk),
                    "hours": to_global_id("WorkingHours", hours.pk),
                    "timeOff": to_global_id("TimeOff", time_off.pk),
                }
    return ids


def test_staff_ids_from_another_spa_resolve_to_nothing(glow, radiance, signed_in, twins):
    glow_client, radiance_client = signed_in(glow, "provider"), signed_in(radiance, "provider")

    for key in ("staff", "credential", "hours", "timeOff"):
        found = glow_client.graphql(NODE, {"id": twins[key]}).data["node"]
        assert found is not None and found["id"] == twins[key]
        assert radiance_client.graphql(NODE, {"id": twins[key]}).data["node"] is None
    assert glow_client.graphql(NODE, {"id": twins["staff"]}).data["node"] == {
        "id": twins["staff"],
        "displayName": "glow Lee",
        "credentials": [{"kind": "RN"}],
        "workingHours": [{"weekday": 1}],
    }


@pytest.mark.parametrize("mutation", FOREIGN_MUTATIONS)
def test_staff_mutations_with_another_spas_ids_change_nothing(
    glow, radiance, signed_in, twins, mutation
):
    document, errors = FOREIGN_MUTATIONS[mutation]
    before = _records(radiance), _records(glow)
    variables = _variables(document, twins)

    answer = signed_in(radiance, "owner").graphql(document, variables)

    assert answer.data[mutation]["errors"] == errors
    assert (_records(radiance), _records(glow)) == before


@pytest.mark.parametrize("mutation", FOREIGN_MUTATIONS)
def test_providers_and_front_desk_cannot_change_staff_records(glow, signed_in, twins, mutation):
    document, _ = FOREIGN_MUTATIONS[mutation]
    before = _records(glow)
    variables = _variables(document, twins)

    for role in ("provider", "front_desk"):
        answer = signed_in(glow, role).graphql(document, variables)
        assert answer.error_codes == ["FORBIDDEN"]
    assert _records(glow) == before
