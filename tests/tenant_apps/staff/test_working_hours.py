"""Working hours: a week per location, never two places at once."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.graphql.relay import to_global_id
from tenant_apps.staff.models import WorkingHours
from tests.tenant_apps.locations.factories import LocationFactory, on_spa
from tests.tenant_apps.staff.factories import StaffProfileFactory, WorkingHoursFactory

SET = """
mutation($staffMemberId: ID!, $locationId: ID!, $hours: [WorkingHoursInput!]!) {
  setWorkingHours(staffMemberId: $staffMemberId, locationId: $locationId, hours: $hours) {
    staffMember { workingHours { location { name } weekday startsAt endsAt } }
    errors { field code message }
  }
}
"""


def _hours(*intervals):
    return [{"weekday": day, "startsAt": start, "endsAt": end} for day, start, end in intervals]


@pytest.fixture
def week(glow):
    """A provider working Mondays 09-17 at Midtown, and the ids to change their week."""
    with on_spa(glow):
        staff = StaffProfileFactory()
        midtown = LocationFactory(name="Midtown")
        brooklyn = LocationFactory(name="Brooklyn")
        WorkingHoursFactory(staff=staff, location=midtown, weekday=1)
        return {
            "staff": staff,
            "staffMemberId": to_global_id("StaffMember", staff.pk),
            "midtown": to_global_id("Location", midtown.pk),
            "brooklyn": to_global_id("Location", brooklyn.pk),
        }


def _saved(glow):
    with on_spa(glow):
        return sorted(
            (h.location.name, h.weekday, h.starts_at.isoformat(), h.ends_at.isoformat())
            for h in WorkingHours.objects.select_related("location")
        )


def test_a_week_at_one_location_replaces_only_that_locations_week(glow, signed_in, week):
    client = signed_in(glow, "manager")

    answer = client.graphql(
        SET,
        {
            "staffMemberId": week["staffMemberId"],
            "locationId": week["brooklyn"],
            # Mondays after Midtown, touching its end; Tuesdays split over lunch
            "hours": _hours(
                (1, "17:00:00", "20:00:00"),
                (2, "13:00:00", "18:00:00"),
                (2, "08:00:00", "12:00:00"),
            ),
        },
    )

    assert answer.data["setWorkingHours"]["errors"] == []
    assert answer.data["setWorkingHours"]["staffMember"]["workingHours"] == [
        {
            "location": {"name": "Midtown"},
            "weekday": 1,
            "startsAt": "09:00:00",
            "endsAt": "17:00:00",
        },
        {
            "location": {"name": "Brooklyn"},
            "weekday": 1,
            "startsAt": "17:00:00",
            "endsAt": "20:00:00",
        },
        {
            "location": {"name": "Brooklyn"},
            "weekday": 2,
            "startsAt": "08:00:00",
            "endsAt": "12:00:00",
        },
        {
            "location": {"name": "Brooklyn"},
            "weekday": 2,
            "startsAt": "13:00:00",
            "endsAt": "18:00:00",
        },
    ]

    cleared = client.graphql(
        SET, {"staffMemberId": week["staffMemberId"], "locationId": week["brooklyn"], "hours": []}
    )

    assert cleared.data["setWorkingHours"]["errors"] == []
    assert _saved(glow) == [("Midtown", 1, "09:00:00", "17:00:00")]


@pytest.mark.parametrize(
    ("location", "hours", "code"),
    [
        # overlapping each other
        (
            "brooklyn",
            _hours((3, "09:00:00", "13:00:00"), (3, "12:30:00", "15:00:00")),
            "HOURS_OVERLAP",
        ),
        # overlapping the Monday at Midtown: nobody works two places at once
        ("brooklyn", _hours((1, "16:00:00", "19:00:00")), "HOURS_OVERLAP"),
        # the end before the start
        ("brooklyn", _hours((3, "17:00:00", "09:00:00")), "HOURS_INVALID"),
        ("brooklyn", _hours((0, "09:00:00", "17:00:00")), "HOURS_INVALID"),
        ("midtown", _hours((2, "09:00:00+02:00", "17:00:00+02:00")), "HOURS_INVALID"),
    ],
)
def test_bad_hours_are_refused_and_the_old_week_stays(glow, signed_in, week, location, hours, code):
    answer = signed_in(glow, "manager").graphql(
        SET, {"staffMemberId": week["staffMemberId"], "locationId": week[location], "hours": hours}
    )

    payload = answer.data["setWorkingHours"]
    assert payload["staffMember"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {("hours", code)}
    assert _saved(glow) == [("Midtown", 1, "09:00:00", "17:00:00")]


def test_an_unknown_or_closed_location_is_refused(glow, signed_in, week):
    with on_spa(glow):
        missing = to_global_id("Location", 999_999)
        closed = to_global_id("Location", LocationFactory(is_active=False).pk)
    client = signed_in(glow, "manager")
    monday = _hours((2, "09:00:00", "10:00:00"))

    unknown = client.graphql(
        SET, {"staffMemberId": week["staffMemberId"], "locationId": missing, "hours": monday}
    )
    inactive = client.graphql(
        SET, {"staffMemberId": week["staffMemberId"], "locationId": closed, "hours": monday}
    )
    both = client.graphql(
        SET, {"staffMemberId": week["midtown"], "locationId": week["staffMemberId"], "hours": []}
    )

    assert unknown.data["setWorkingHours"]["errors"][0] | {"message": ""} == {
        "field": "locationId",
        "code": "LOCATION_NOT_FOUND",
        "message": "",
    }
    assert [e["code"] for e in inactive.data["setWorkingHours"]["errors"]] == ["LOCATION_INACTIVE"]
    assert {(e["field"], e["code"]) for e in both.data["setWorkingHours"]["errors"]} == {
        ("staffMemberId", "NOT_FOUND"),
        ("locationId", "LOCATION_NOT_FOUND"),
    }
    assert _saved(glow) == [("Midtown", 1, "09:00:00", "17:00:00")]


@pytest.mark.spa("glow")
def test_the_database_refuses_overlapping_hours_even_across_locations():
    staff = StaffProfileFactory()
    WorkingHoursFactory(
        staff=staff, weekday=4, starts_at=datetime.time(9), ends_at=datetime.time(13)
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHoursFactory(
            staff=staff, weekday=4, starts_at=datetime.time(12), ends_at=datetime.time(14)
        )
    # touching, another day, or someone else: fine
    WorkingHoursFactory(
        staff=staff, weekday=4, starts_at=datetime.time(13), ends_at=datetime.time(15)
    )
    WorkingHoursFactory(
        staff=staff, weekday=5, starts_at=datetime.time(9), ends_at=datetime.time(13)
    )
    WorkingHoursFactory(weekday=4, starts_at=datetime.time(9), ends_at=datetime.time(13))


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": datetime.time(17), "ends_at": datetime.time(9)},
        {"starts_at": datetime.time(9), "ends_at": datetime.time(9)},
        {"weekday": 8},
    ],
)
def test_the_database_refuses_malformed_hours(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHoursFactory(**fields)
