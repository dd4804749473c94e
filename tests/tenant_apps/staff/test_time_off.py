"""Time off and blocked time: timezone-aware spans, stored in UTC."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.graphql.relay import to_global_id
from tenant_apps.staff.models import TimeOff
from tests.tenant_apps.locations.factories import on_spa
from tests.tenant_apps.staff.factories import StaffProfileFactory, TimeOffFactory

ADD = """
mutation($staffMemberId: ID!, $input: TimeOffInput!) {
  addTimeOff(staffMemberId: $staffMemberId, input: $input) {
    timeOff { kind startsAt endsAt reason }
    errors { field code }
  }
}
"""
REMOVE = """
mutation($id: ID!) {
  removeTimeOff(id: $id) { staffMember { upcomingTimeOff { reason } } errors { field code } }
}
"""


@pytest.fixture
def staff_id(glow):
    with on_spa(glow):
        return to_global_id("StaffMember", StaffProfileFactory().pk)


def test_time_off_is_stored_in_utc(glow, signed_in, staff_id):
    answer = signed_in(glow, "manager").graphql(
        ADD,
        {
            "staffMemberId": staff_id,
            "input": {
                "kind": "BLOCKED",
                "startsAt": "2031-03-10T09:00:00-04:00",
                "endsAt": "2031-03-10T12:30:00-04:00",
                "reason": " Laser training ",
            },
        },
    )

    assert answer.data["addTimeOff"] == {
        "timeOff": {
            "kind": "BLOCKED",
            "startsAt": "2031-03-10T13:00:00+00:00",
            "endsAt": "2031-03-10T16:30:00+00:00",
            "reason": "Laser training",
        },
        "errors": [],
    }
    with on_spa(glow):
        saved = TimeOff.objects.get()
    assert saved.starts_at == datetime.datetime(2031, 3, 10, 13, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    ("span", "errors"),
    [
        (
            {"startsAt": "2031-03-10T12:00:00Z", "endsAt": "2031-03-10T09:00:00Z"},
            [{"field": "endsAt", "code": "RANGE_INVALID"}],
        ),
        (
            {"startsAt": "2031-03-10T12:00:00Z", "endsAt": "2031-03-10T12:00:00Z"},
            [{"field": "endsAt", "code": "RANGE_INVALID"}],
        ),
        (
            # without an offset, the time means nothing in particular
            {"startsAt": "2031-03-10T09:00:00", "endsAt": "2031-03-10T12:00:00Z"},
            [{"field": "startsAt", "code": "RANGE_INVALID"}],
        ),
        (
            {
                "startsAt": "2031-03-10T09:00:00Z",
                "endsAt": "2031-03-09T12:00:00Z",
                "reason": "x" * 121,
            },
            [{"field": "endsAt", "code": "RANGE_INVALID"}, {"field": "reason", "code": "TOO_LONG"}],
        ),
    ],
)
def test_bad_time_off_is_refused_and_nothing_is_saved(glow, signed_in, staff_id, span, errors):
    answer = signed_in(glow, "manager").graphql(ADD, {"staffMemberId": staff_id, "input": span})

    assert answer.data["addTimeOff"] == {"timeOff": None, "errors": errors}
    with on_spa(glow):
        assert not TimeOff.objects.exists()


def test_upcoming_time_off_leaves_out_what_has_ended(glow, signed_in):
    now = datetime.datetime.now(datetime.UTC)
    with on_spa(glow):
        staff = StaffProfileFactory()
        TimeOffFactory(staff=staff, reason="Past", starts_at=now - datetime.timedelta(days=3))
        TimeOffFactory(staff=staff, reason="Now", starts_at=now - datetime.timedelta(hours=1))
        TimeOffFactory(staff=staff, reason="Later", starts_at=now + datetime.timedelta(days=30))
        later = TimeOffFactory(
            staff=staff, reason="Soon", starts_at=now + datetime.timedelta(days=3)
        )
        later_id = to_global_id("TimeOff", later.pk)
    client = signed_in(glow, "manager")
    listed = "{ staff(first: 1) { edges { node { upcomingTimeOff { reason } } } } }"

    before = client.graphql(listed).data["staff"]["edges"][0]["node"]["upcomingTimeOff"]
    removed = client.graphql(REMOVE, {"id": later_id}).data["removeTimeOff"]
    again = client.graphql(REMOVE, {"id": later_id}).data["removeTimeOff"]

    assert [t["reason"] for t in before] == ["Now", "Soon", "Later"]
    assert removed == {
        "staffMember": {"upcomingTimeOff": [{"reason": "Now"}, {"reason": "Later"}]},
        "errors": [],
    }
    assert again["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "fields",
    [
        {"ends_at": datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)},
        {"kind": "holiday"},
    ],
)
def test_the_database_refuses_bad_time_off(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeOffFactory(starts_at=datetime.datetime(2031, 1, 2, tzinfo=datetime.UTC), **fields)


@pytest.mark.parametrize(
    "span",
    [
        # past the last instant Python can hold, once in UTC
        {"startsAt": "2031-03-10T09:00:00Z", "endsAt": "9999-12-31T23:00:00-05:00"},
        # before the first
        {"startsAt": "0001-01-01T00:00:00+05:00", "endsAt": "2031-03-10T09:00:00Z"},
    ],
)
def test_time_off_past_the_calendars_edges_is_refused_not_crashed_on(
    glow, signed_in, staff_id, span
):
    answer = signed_in(glow, "manager").graphql(ADD, {"staffMemberId": staff_id, "input": span})

    field = "endsAt" if span["endsAt"].startswith("9999") else "startsAt"
    assert answer.data["addTimeOff"] == {
        "timeOff": None,
        "errors": [{"field": field, "code": "RANGE_INVALID"}],
    }
    with on_spa(glow):
        assert not TimeOff.objects.exists()
