"""The plan's cap on active locations (`Plan.max_locations`): opening or reopening
one past it is PLAN_LIMIT_REACHED, per spa, also when requests race."""

import itertools

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django_tenants.utils import schema_context

from core.graphql.relay import to_global_id
from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.lifecycle.services import spa_provision
from tenant_apps.locations.models import Location
from tenant_apps.locations.services.locations import location_create, location_update
from tenants.db import connection
from tenants.models import Spa
from tests.concurrency import at_once
from tests.tenant_apps.locations.factories import LocationFactory, on_spa

ONE_LOCATION = "Your plan allows 1 active location. Upgrade the plan or close a location first."

CREATE = """
mutation($input: CreateLocationInput!) {
  createLocation(input: $input) {
    location { name }
    errors { field code message }
  }
}
"""
UPDATE = """
mutation($id: ID!, $input: UpdateLocationInput!) {
  updateLocation(id: $id, input: $input) {
    location { name isActive }
    errors { field code message }
  }
}
"""

_plan_codes = itertools.count()


def subscribe(spa: Spa, *, max_locations: int | None) -> Subscription:
    """`spa` on a plan of its own that allows `max_locations` active locations
    (None: unlimited). Made on the public schema."""
    plan = Plan.objects.create(
        code=f"locations-{next(_plan_codes)}",
        name="Test plan",
        monthly_price_cents=10000,
        max_locations=max_locations,
    )
    return Subscription.objects.create(spa=spa, plan=plan, status=SubscriptionStatus.TRIALING)


def refusal(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[tuple[str, str]]]:
    return {
        field: [(e.code or "", e.messages[0]) for e in errors]
        for field, errors in error.value.error_dict.items()
    }


def test_at_the_limit_a_new_active_location_is_refused_and_nothing_is_written(glow):
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        LocationFactory.create(name="Flatiron")

        with pytest.raises(ValidationError) as refused:
            location_create(name="Brooklyn Heights", timezone="America/New_York")

        assert refusal(refused) == {NON_FIELD_ERRORS: [("PLAN_LIMIT_REACHED", ONE_LOCATION)]}
        assert list(Location.objects.values_list("name", flat=True)) == ["Flatiron"]


def test_bad_input_at_the_limit_is_refused_for_the_input_first(glow):
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        LocationFactory.create(name="Flatiron")

        with pytest.raises(ValidationError) as refused:
            location_create(name="", timezone="America/New_York")

        assert {
            field: [e.code for e in errors] for field, errors in refused.value.error_dict.items()
        } == {"name": ["NAME_REQUIRED"]}
        assert Location.objects.count() == 1


def test_inactive_locations_do_not_count_and_may_be_added_at_the_limit(glow):
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        LocationFactory.create(name="Closed SoHo", is_active=False)

        opened = location_create(name="Flatiron", timezone="America/New_York")
        planned = location_create(
            name="Brooklyn Heights", timezone="America/New_York", is_active=False
        )
        with pytest.raises(ValidationError) as refused:
            location_create(name="Chelsea", timezone="America/New_York")

        assert (opened.is_active, planned.is_active) == (True, False)
        assert refusal(refused) == {NON_FIELD_ERRORS: [("PLAN_LIMIT_REACHED", ONE_LOCATION)]}
        assert Location.objects.filter(is_active=True).count() == 1
        assert Location.objects.count() == 3


def test_reopening_a_closed_location_at_the_limit_is_refused_and_changes_nothing(glow):
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        flatiron = LocationFactory.create(name="Flatiron")
        brooklyn = LocationFactory.create(name="Brooklyn", is_active=False)

        with pytest.raises(ValidationError) as refused:
            location_update(location_id=brooklyn.pk, name="Brooklyn Heights", is_active=True)
        # An open location saying it is open, or a closed one staying closed, is no reopening.
        location_update(location_id=flatiron.pk, city="Manhattan", is_active=True)
        location_update(location_id=brooklyn.pk, city="Brooklyn", is_active=False)

        assert refusal(refused) == {NON_FIELD_ERRORS: [("PLAN_LIMIT_REACHED", ONE_LOCATION)]}
        brooklyn.refresh_from_db()
        assert (brooklyn.name, brooklyn.is_active, brooklyn.city) == ("Brooklyn", False, "Brooklyn")


def test_closing_a_location_makes_room_to_reopen_another(glow):
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        flatiron = LocationFactory.create(name="Flatiron")
        brooklyn = LocationFactory.create(name="Brooklyn", is_active=False)

        location_update(location_id=flatiron.pk, is_active=False)
        reopened = location_update(location_id=brooklyn.pk, is_active=True)

        assert reopened.is_active is True
        assert list(Location.objects.filter(is_active=True).values_list("name", flat=True)) == [
            "Brooklyn"
        ]


def test_a_limit_of_several_allows_exactly_that_many(glow):
    subscribe(glow, max_locations=3)
    with on_spa(glow):
        for name in ("Flatiron", "Brooklyn Heights", "Chelsea"):
            location_create(name=name, timezone="America/New_York")

        with pytest.raises(ValidationError) as refused:
            location_create(name="Harlem", timezone="America/New_York")

        assert refusal(refused) == {
            NON_FIELD_ERRORS: [
                (
                    "PLAN_LIMIT_REACHED",
                    "Your plan allows 3 active locations. "
                    "Upgrade the plan or close a location first.",
                )
            ]
        }
        assert Location.objects.filter(is_active=True).count() == 3


@pytest.mark.parametrize("subscribed", [False, True], ids=["no subscription", "unlimited plan"])
def test_spas_without_a_limit_open_as_many_locations_as_they_like(glow, subscribed):
    if subscribed:
        subscribe(glow, max_locations=None)
    with on_spa(glow):
        for n in range(4):
            location_create(name=f"Location {n}", timezone="America/New_York")
        closed = LocationFactory.create(name="Closed", is_active=False)
        location_update(location_id=closed.pk, is_active=True)

        assert Location.objects.filter(is_active=True).count() == 5


def test_the_limit_holds_when_the_connection_knows_only_the_schema_name(glow):
    """schema_context() sets a stand-in tenant without the spa's id: the service
    finds the spa by its schema rather than letting the location through."""
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        LocationFactory.create(name="Flatiron")

    with schema_context(glow.schema_name), pytest.raises(ValidationError) as refused:
        location_create(name="Brooklyn Heights", timezone="America/New_York")

    assert refusal(refused) == {NON_FIELD_ERRORS: [("PLAN_LIMIT_REACHED", ONE_LOCATION)]}
    with on_spa(glow):
        assert Location.objects.count() == 1


def test_another_spas_locations_do_not_count_toward_the_limit(glow, radiance):
    subscribe(glow, max_locations=1)
    subscribe(radiance, max_locations=1)
    with on_spa(radiance):
        LocationFactory.create(name="Santa Monica")
        LocationFactory.create(name="Venice", is_active=False)

    with on_spa(glow):
        opened = location_create(name="Flatiron", timezone="America/New_York")
        with pytest.raises(ValidationError) as refused:
            location_create(name="Brooklyn Heights", timezone="America/New_York")
    with on_spa(radiance):
        with pytest.raises(ValidationError) as radiance_refused:
            location_update(location_id=Location.objects.get(name="Venice").pk, is_active=True)
        radiance_names = set(Location.objects.filter(is_active=True).values_list("name", flat=True))

    assert opened.is_active is True
    assert refusal(refused) == {NON_FIELD_ERRORS: [("PLAN_LIMIT_REACHED", ONE_LOCATION)]}
    assert refusal(radiance_refused) == {NON_FIELD_ERRORS: [("PLAN_LIMIT_REACHED", ONE_LOCATION)]}
    assert radiance_names == {"Santa Monica"}


def test_the_api_answers_plan_limit_reached_on_create_and_reopen(glow, signed_in):
    subscribe(glow, max_locations=1)
    with on_spa(glow):
        LocationFactory.create(name="Flatiron")
        closed = LocationFactory.create(name="Brooklyn", is_active=False)
        closed_id = to_global_id("Location", closed.pk)
    manager = signed_in(glow, "manager")

    created = manager.graphql(
        CREATE, {"input": {"name": "Chelsea", "timezone": "America/New_York"}}
    )
    reopened = manager.graphql(UPDATE, {"id": closed_id, "input": {"isActive": True}})
    planned = manager.graphql(
        CREATE, {"input": {"name": "Harlem", "timezone": "America/New_York", "isActive": False}}
    )

    refused = [{"field": None, "code": "PLAN_LIMIT_REACHED", "message": ONE_LOCATION}]
    assert created.data["createLocation"] == {"location": None, "errors": refused}
    assert reopened.data["updateLocation"] == {"location": None, "errors": refused}
    assert planned.data["createLocation"] == {"location": {"name": "Harlem"}, "errors": []}
    with on_spa(glow):
        assert dict(Location.objects.values_list("name", "is_active")) == {
            "Flatiron": True,
            "Brooklyn": False,
            "Harlem": False,
        }


RACERS = 8


@pytest.mark.usefixtures("committing")
def test_simultaneous_openings_at_one_below_the_limit_let_exactly_one_through() -> None:
    """Eight requests on eight connections each open a location in a spa allowed
    one: one is written, seven are PLAN_LIMIT_REACHED."""
    spa = spa_provision(
        slug="location-race",
        name="Location Race",
        timezone_name="UTC",
        owner_email="o@location-race.example",
    )
    subscription = subscribe(spa, max_locations=1)

    def attempt(n: int) -> str:
        try:
            location_create(name=f"Site {n}", timezone="UTC")
            return "opened"
        except ValidationError as exc:
            return ",".join(e.code or "" for e in exc.error_dict[NON_FIELD_ERRORS])

    try:
        outcomes, failures = at_once(spa, RACERS, attempt)

        assert failures == []
        assert sorted(outcomes) == ["PLAN_LIMIT_REACHED"] * (RACERS - 1) + ["opened"]
        connection.set_tenant(spa)
        assert Location.objects.count() == 1
    finally:
        connection.set_schema_to_public()
        plan = subscription.plan
        subscription.delete()
        plan.delete()
