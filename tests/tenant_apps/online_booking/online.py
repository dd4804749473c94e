"""Shared set-up of the online booking tests: a bookable spa calendar and a
client for the public booking endpoint."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from core.graphql.relay import to_global_id
from tenant_apps.catalog.models import Service
from tenant_apps.locations.models import Location
from tenant_apps.profile.models import SpaProfile
from tenant_apps.staff.models import StaffProfile
from tenants.models import Spa
from tests.conftest import GraphQLResponse, HostClient
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.locations.factories import LocationFactory, LocationHoursFactory, on_spa
from tests.tenant_apps.staff.factories import StaffProfileFactory, WorkingHoursFactory

BOOKING_PATH = "/booking/graphql/"
NEW_YORK = ZoneInfo("America/New_York")
# Far enough ahead for the default policy (2 hours' notice, 60 days' horizon,
# 24 hours' cancellation window) whenever the tests run.
DAY = dt.datetime.now(NEW_YORK).date() + dt.timedelta(days=3)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


def booking(client: HostClient, query: str, variables: dict[str, Any] | None = None, **extra: Any):
    """POST a document to the spa's public booking endpoint."""
    payload: dict[str, Any] = {"query": query}
    if variables is not None:
        payload["variables"] = variables
    response = client.post(
        BOOKING_PATH, data=json.dumps(payload), content_type="application/json", **extra
    )
    return GraphQLResponse(response.status_code, json.loads(response.content), response)


@dataclass
class Calendar:
    """A spa's bookable calendar, with the booking API's IDs of its records."""

    spa: Spa
    location: Location
    service: Service
    providers: list[StaffProfile]
    ids: dict[str, str] = field(default_factory=dict)

    def profile(self, **changes: Any) -> None:
        with on_spa(self.spa):
            SpaProfile.objects.filter(pk=SpaProfile.SINGLETON_ID).update(**changes)


def a_calendar(spa: Spa, *, providers: int = 1) -> Calendar:
    """A New York location open 09:00-17:00 every day, a 60-minute service on
    the online menu, providers working those hours."""
    with on_spa(spa):
        location: Location = LocationFactory.create(timezone="America/New_York", country="US")
        for weekday in range(1, 8):
            LocationHoursFactory(
                location=location, weekday=weekday, opens_at="09:00", closes_at="17:00"
            )
        service: Service = ServiceFactory.create(
            name="Hydrafacial", duration_minutes=60, is_bookable_online=True
        )
        staff = []
        for n in range(providers):
            profile: StaffProfile = StaffProfileFactory.create(
                display_name=f"Dana Provider {n + 1}"
            )
            for weekday in range(1, 8):
                WorkingHoursFactory(staff=profile, location=location, weekday=weekday)
            staff.append(profile)
        ids = {
            "location": to_global_id("Location", location.pk),
            "service": to_global_id("Service", service.pk),
            **{f"provider{n}": to_global_id("Provider", p.pk) for n, p in enumerate(staff)},
        }
    return Calendar(spa=spa, location=location, service=service, providers=staff, ids=ids)


BOOK = """
mutation Book($input: BookInput!) {
  book(input: $input) {
    errors { field code message }
    appointment {
      reference status startsAt endsAt changeableUntil
      location { id name timezone }
      provider { id displayName }
      services { name startsAt endsAt priceCents currency }
    }
  }
}
"""

AVAILABILITY = """
query Free($location: ID!, $services: [ID!]!, $from: Date!, $to: Date!, $provider: ID) {
  availability(locationId: $location, serviceIds: $services, from: $from, to: $to,
               providerId: $provider) {
    truncated
    slots { startsAt endsAt provider { id displayName } }
  }
}
"""


def book_input(calendar: Calendar, start: dt.datetime, **changes: Any) -> dict[str, Any]:
    return {
        "locationId": calendar.ids["location"],
        "serviceIds": [calendar.ids["service"]],
        "startsAt": start.isoformat(),
        "firstName": "Robin",
        "lastName": "Patient",
        "email": "robin@mail.example",
        "phone": "+12125550199",
        **changes,
    }


def book(client: HostClient, calendar: Calendar, start: dt.datetime, **changes: Any):
    return booking(client, BOOK, {"input": book_input(calendar, start, **changes)})


TOKEN_IN_LINK = re.compile(r"/booking/manage#([A-Za-z0-9_-]{43})\b")


def token_from(message: Any) -> str:
    found = TOKEN_IN_LINK.search(message.body)
    assert found, "no manage link in the email"
    return found.group(1)
