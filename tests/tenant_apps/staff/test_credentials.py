"""Credentials: one licence per kind and staff member, validated, expiring."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.graphql.relay import to_global_id
from tenant_apps.staff.models import Credential, CredentialKind
from tenant_apps.staff.services import credential_set
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.staff.factories import CredentialFactory, StaffProfileFactory

SET = """
mutation($staffMemberId: ID!, $input: StaffCredentialInput!) {
  setCredential(staffMemberId: $staffMemberId, input: $input) {
    credential { kind licenceNumber issuingRegion expiresOn isExpired }
    errors { field code }
  }
}
"""
REMOVE = """
mutation($id: ID!) {
  removeCredential(id: $id) { staffMember { credentials { kind } } errors { field code } }
}
"""
NEXT_YEAR = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()


def _credential(**fields):
    return {
        "kind": "RN",
        "licenceNumber": "RN-123456",
        "issuingRegion": "NY",
        "expiresOn": NEXT_YEAR,
        **fields,
    }


def test_manager_records_a_credential_and_a_second_replaces_it(glow, signed_in):
    with on_spa(glow):
        staff_id = to_global_id("StaffMember", StaffProfileFactory().pk)
    client = signed_in(glow, "manager")

    first = client.graphql(SET, {"staffMemberId": staff_id, "input": _credential()})
    second = client.graphql(
        SET, {"staffMemberId": staff_id, "input": _credential(licenceNumber=" RN-999 ")}
    )

    assert first.data["setCredential"] == {
        "credential": {
            "kind": "RN",
            "licenceNumber": "RN-123456",
            "issuingRegion": "NY",
            "expiresOn": NEXT_YEAR,
            "isExpired": False,
        },
        "errors": [],
    }
    assert second.data["setCredential"]["credential"]["licenceNumber"] == "RN-999"
    with on_spa(glow):
        assert list(Credential.objects.values_list("licence_number", flat=True)) == ["RN-999"]


def test_bad_credentials_are_refused_together_and_nothing_is_saved(glow, signed_in):
    with on_spa(glow):
        staff_id = to_global_id("StaffMember", StaffProfileFactory().pk)

    answer = signed_in(glow, "owner").graphql(
        SET,
        {
            "staffMemberId": staff_id,
            "input": _credential(licenceNumber=" ", issuingRegion="", expiresOn="2001-01-01"),
        },
    )

    assert answer.data["setCredential"] == {
        "credential": None,
        "errors": [
            {"field": "licenceNumber", "code": "LICENCE_REQUIRED"},
            {"field": "issuingRegion", "code": "REGION_REQUIRED"},
            {"field": "expiresOn", "code": "EXPIRY_IN_PAST"},
        ],
    }
    with on_spa(glow):
        assert not Credential.objects.exists()


def test_an_unknown_credential_is_refused(glow, signed_in):
    with on_spa(glow):
        staff = StaffProfileFactory()
        staff_id = to_global_id("StaffMember", staff.pk)

        # the service, called with a kind the enum does not have
        with pytest.raises(ValidationError) as error:
            credential_set(
                staff_id=staff.pk,
                kind="DDS",
                licence_number="1",
                issuing_region="NY",
                expires_on=datetime.date(2999, 1, 1),
            )
        assert error.value.error_dict["kind"][0].code == "CREDENTIAL_UNKNOWN"

    # the API: the enum refuses it before anything runs
    answer = signed_in(glow, "owner").graphql(
        SET, {"staffMemberId": staff_id, "input": _credential(kind="DDS")}
    )

    assert answer.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    with on_spa(glow):
        assert not Credential.objects.exists()


def test_a_credential_for_an_unknown_staff_member_is_refused(glow, signed_in):
    with on_spa(glow):
        missing = to_global_id("StaffMember", 999_999)

    answer = signed_in(glow, "owner").graphql(
        SET, {"staffMemberId": missing, "input": _credential()}
    )

    assert answer.data["setCredential"]["errors"] == [
        {"field": "staffMemberId", "code": "NOT_FOUND"}
    ]


def test_a_credential_past_its_expiry_shows_as_expired(glow, signed_in):
    with on_spa(glow):
        CredentialFactory(expires_on=datetime.date(2020, 1, 31))

    answer = signed_in(glow, "provider").graphql(
        "{ staff(first: 1) { edges { node { credentials { kind isExpired } } } } }"
    )

    assert answer.data["staff"]["edges"][0]["node"]["credentials"] == [
        {"kind": "RN", "isExpired": True}
    ]


def test_manager_removes_a_credential(glow, signed_in):
    with on_spa(glow):
        staff = StaffProfileFactory()
        CredentialFactory(staff=staff, kind=CredentialKind.NP)
        rn_id = to_global_id("StaffCredential", CredentialFactory(staff=staff).pk)

    answer = signed_in(glow, "manager").graphql(REMOVE, {"id": rn_id})
    again = signed_in(glow, "manager").graphql(REMOVE, {"id": rn_id})

    assert answer.data["removeCredential"] == {
        "staffMember": {"credentials": [{"kind": "NP"}]},
        "errors": [],
    }
    assert again.data["removeCredential"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "fields",
    [
        {"kind": CredentialKind.RN},  # a second RN licence
        {"kind": "DDS"},
        {"kind": CredentialKind.MD, "licence_number": ""},
        {"kind": CredentialKind.MD, "issuing_region": ""},
    ],
)
def test_the_database_refuses_bad_credentials(fields):
    staff = StaffProfileFactory()
    CredentialFactory(staff=staff, kind=CredentialKind.RN)

    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialFactory(staff=staff, **fields)
