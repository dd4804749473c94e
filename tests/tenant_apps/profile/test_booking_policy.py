"""The online booking policy on the spa profile: its limits, and changing the
profile through the API (owners and managers)."""

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.profile.models import (
    MAX_CANCELLATION_WINDOW_HOURS,
    MAX_HORIZON_DAYS,
    MAX_NOTICE_MINUTES,
)
from tenant_apps.profile.selectors import profile_get
from tenant_apps.profile.services import profile_update
from tests.tenant_apps.scheduling.factories import on_spa

UPDATE = """
mutation($input: UpdateSpaProfileInput!) {
  updateSpaProfile(input: $input) {
    profile {
      contactEmail onlineBookingEnabled minNoticeMinutes bookingHorizonDays
      cancellationWindowHours slotGranularityMinutes
    }
    errors { field code }
  }
}
"""
POLICY = """
{ spa { profile { onlineBookingEnabled minNoticeMinutes bookingHorizonDays
                  cancellationWindowHours slotGranularityMinutes } } }
"""


@pytest.mark.spa("glow")
def test_the_policy_takes_values_at_its_limits():
    profile = profile_update(
        online_booking_enabled=False,
        min_notice_minutes=MAX_NOTICE_MINUTES,
        booking_horizon_days=MAX_HORIZON_DAYS,
        cancellation_window_hours=0,
        slot_granularity_minutes=5,
    )

    profile.refresh_from_db()
    assert (
        profile.online_booking_enabled,
        profile.min_notice_minutes,
        profile.booking_horizon_days,
        profile.cancellation_window_hours,
        profile.slot_granularity_minutes,
    ) == (False, MAX_NOTICE_MINUTES, MAX_HORIZON_DAYS, 0, 5)


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("min_notice_minutes", -1, "OUT_OF_RANGE"),
        ("min_notice_minutes", MAX_NOTICE_MINUTES + 1, "OUT_OF_RANGE"),
        ("booking_horizon_days", 0, "OUT_OF_RANGE"),
        ("booking_horizon_days", MAX_HORIZON_DAYS + 1, "OUT_OF_RANGE"),
        ("cancellation_window_hours", MAX_CANCELLATION_WINDOW_HOURS + 1, "OUT_OF_RANGE"),
        ("cancellation_window_hours", True, "OUT_OF_RANGE"),
        ("slot_granularity_minutes", 7, "GRANULARITY_INVALID"),
        ("slot_granularity_minutes", 0, "GRANULARITY_INVALID"),
    ],
)
def test_values_outside_the_limits_are_refused_and_nothing_changes(field, value, code):
    with pytest.raises(ValidationError) as error:
        profile_update(contact_email="desk@glow.example", **{field: value})

    assert {f: [e.code for e in errors] for f, errors in error.value.error_dict.items()} == {
        field: [code]
    }
    profile = profile_get()
    assert profile.contact_email == ""
    assert (profile.min_notice_minutes, profile.slot_granularity_minutes) == (120, 15)


def test_a_manager_changes_the_policy_through_the_api(glow, signed_in, client_for):
    api = signed_in(glow, "manager")

    changed = api.graphql(
        UPDATE,
        {"input": {"minNoticeMinutes": 240, "slotGranularityMinutes": 30, "contactEmail": None}},
    )
    refused = api.graphql(
        UPDATE, {"input": {"bookingHorizonDays": 0, "slotGranularityMinutes": 45}}
    )
    public = client_for(glow).graphql(POLICY)

    assert changed.data["updateSpaProfile"] == {
        "profile": {
            "contactEmail": "",
            "onlineBookingEnabled": True,
            "minNoticeMinutes": 240,
            "bookingHorizonDays": 60,
            "cancellationWindowHours": 24,
            "slotGranularityMinutes": 30,
        },
        "errors": [],
    }
    assert refused.data["updateSpaProfile"]["profile"] is None
    assert {(e["field"], e["code"]) for e in refused.data["updateSpaProfile"]["errors"]} == {
        ("bookingHorizonDays", "OUT_OF_RANGE"),
        ("slotGranularityMinutes", "GRANULARITY_INVALID"),
    }
    # the booking page reads the policy without signing in
    assert public.data["spa"]["profile"] == {
        "onlineBookingEnabled": True,
        "minNoticeMinutes": 240,
        "bookingHorizonDays": 60,
        "cancellationWindowHours": 24,
        "slotGranularityMinutes": 30,
    }


def test_contact_details_are_validated_through_the_api(glow, signed_in):
    answer = signed_in(glow, "owner").graphql(
        UPDATE, {"input": {"contactEmail": "nope", "website": "glow dot example"}}
    )

    assert {(e["field"], e["code"]) for e in answer.data["updateSpaProfile"]["errors"]} == {
        ("contactEmail", "EMAIL_INVALID"),
        ("website", "URL_INVALID"),
    }


def test_front_desk_and_providers_cannot_change_the_profile(glow, signed_in):
    for role in ("front_desk", "provider"):
        answer = signed_in(glow, role).graphql(UPDATE, {"input": {"minNoticeMinutes": 0}})
        assert answer.error_codes == ["FORBIDDEN"]
    with on_spa(glow):
        assert profile_get().min_notice_minutes == 120


def test_a_spas_policy_change_stays_in_that_spa(glow, radiance, signed_in):
    signed_in(glow, "owner").graphql(UPDATE, {"input": {"slotGranularityMinutes": 60}})

    with on_spa(radiance):
        assert profile_get().slot_granularity_minutes == 15
    with on_spa(glow):
        assert profile_get().slot_granularity_minutes == 60
