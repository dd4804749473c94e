"""The front desk's mix against the platform, for locust (driven by bench/load.py).

Each request picks a spa at random among the first BENCH_LOAD_SPAS spas of the
file bench/load.py writes (BENCH_LOAD_FILE: hosts, pre-issued front-desk tokens,
record ids), and sends it as that spa's host with `X-Forwarded-Proto: https`
(what the proxy in front of production adds). The mix, by weight:

- day schedule (35): the appointments of one day in the seeded two weeks, with
  client, provider, services and rooms (first: 100);
- availability (22): free starts for one service over a week from a day in the
  coming week (first: 20);
- client search (28): a name prefix or a last name (first: 20);
- booking (13): an availability search for one service on one day in the next
  90 days ("book: find slot"), then `bookAppointment` at one of the slots found
  for a random client ("book"). SLOT_TAKEN (someone got there first) is the
  expected refusal, counted apart; a day with no free slot books nothing;
- login (2): the front desk signs in with the right password.

Outcomes beyond locust's own statistics (refusals by code, errors by kind) go to
BENCH_LOAD_OUT as JSON when the run stops.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
from collections import Counter

from locust import FastHttpUser, constant, events, task

SPAS = json.loads(open(os.environ["BENCH_LOAD_FILE"]).read())  # noqa: SIM115
SPAS = SPAS[: int(os.environ.get("BENCH_LOAD_SPAS", len(SPAS)))]
# --affinity (bench/load.py): a spa is always served by the same server, as behind
# a proxy hashing the Host header.
PORTS = [int(port) for port in os.environ.get("BENCH_LOAD_PORTS", "").split(",") if port]
TODAY = dt.date.fromisoformat(os.environ.get("BENCH_LOAD_TODAY", dt.date.today().isoformat()))
NOTES = "bench/load"  # bench/load.py removes these appointments before each run
TERMS = [
    *(name[:3].lower() for name in ("Olivia", "Emma", "Sophia", "Harper", "Liam", "Noah", "Jack")),
    *("smith", "garcia", "nguyen", "okafor", "lee", "walker", "torres", "king", "clark"),
    *("mia", "ava", "ella", "luna", "zoe", "lily", "grace", "henry"),
]
outcomes: Counter[str] = Counter()

DAY_SCHEDULE = """query DaySchedule($date: Date!, $location: ID!) {
  daySchedule(date: $date, locationId: $location, first: 100) {
    edges { node {
      id startsAt endsAt status source
      client { id displayName phone }
      provider { id displayName }
      services { startsAt endsAt service { id name } }
      resources { id name }
    } }
    pageInfo { hasNextPage endCursor }
  } }"""
AVAILABILITY = """query Availability($location: ID!, $services: [ID!]!, $from: Date!, $to: Date!,
                        $first: Int) {
  availability(locationId: $location, serviceIds: $services, from: $from, to: $to,
               first: $first) {
    startsAt endsAt provider { id displayName } resources { id name }
  } }"""
# The same search, named apart in the server's request log.
FIND_SLOT = AVAILABILITY.replace("query Availability(", "query FindSlot(", 1)
CLIENT_SEARCH = """query ClientSearch($q: String!) {
  clients(search: $q, first: 20) { edges { node { id displayName phone email } } } }"""
BOOK = """mutation BookAppointment($input: BookAppointmentInput!) {
  bookAppointment(input: $input) {
    appointment { id startsAt endsAt status }
    errors { field code message } } }"""
LOGIN = """mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) { token errors { code } } }"""


def gid(type_name: str, spa_id: int, pk: int) -> str:
    """A relay global ID (core/graphql/relay.py): type, spa and row."""
    return base64.urlsafe_b64encode(f"{type_name}:{spa_id}:{pk}".encode()).decode().rstrip("=")


class FrontDesk(FastHttpUser):
    wait_time = constant(0)

    def post(self, spa: dict, name: str, query: str, variables: dict, *, token: bool = True):
        """POST a GraphQL document; returns its `data`, or None after recording the error."""
        headers = {
            "Host": spa["host"],
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
        }
        if token:
            headers["Authorization"] = f"Bearer {spa['token']}"
        body = json.dumps({"query": query, "variables": variables})
        path = (
            f"http://127.0.0.1:{PORTS[spa['id'] % len(PORTS)]}/graphql/" if PORTS else "/graphql/"
        )
        with self.client.post(
            path, data=body, headers=headers, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                kind = f"HTTP {response.status_code}"
                outcomes[f"{name}: {kind}"] += 1
                response.failure(kind)
                return None
            try:
                answer = json.loads(response.content)
            except ValueError:
                outcomes[f"{name}: not JSON"] += 1
                response.failure("not JSON")
                return None
            if answer.get("errors"):
                codes = sorted(
                    {str((e.get("extensions") or {}).get("code")) for e in answer["errors"]}
                )
                kind = f"GraphQL {','.join(codes)}"
                outcomes[f"{name}: {kind}"] += 1
                response.failure(kind)
                return None
            response.success()
            return answer["data"]

    @task(35)
    def day_schedule(self) -> None:
        spa = random.choice(SPAS)
        day = TODAY + dt.timedelta(days=random.randint(-7, 7))
        variables = {
            "date": day.isoformat(),
            "location": gid("Location", spa["id"], spa["location"]),
        }
        if self.post(spa, "day schedule", DAY_SCHEDULE, variables) is not None:
            outcomes["day schedule: ok"] += 1

    @task(22)
    def availability(self) -> None:
        spa = random.choice(SPAS)
        start = TODAY + dt.timedelta(days=random.randint(0, 6))
        variables = {
            "location": gid("Location", spa["id"], spa["location"]),
            "services": [gid("Service", spa["id"], random.choice(spa["services"]))],
            "from": start.isoformat(),
            "to": (start + dt.timedelta(days=6)).isoformat(),
            "first": 20,
        }
        if self.post(spa, "availability", AVAILABILITY, variables) is not None:
            outcomes["availability: ok"] += 1

    @task(28)
    def client_search(self) -> None:
        spa = random.choice(SPAS)
        if self.post(spa, "client search", CLIENT_SEARCH, {"q": random.choice(TERMS)}) is not None:
            outcomes["client search: ok"] += 1

    @task(13)
    def book(self) -> None:
        spa = random.choice(SPAS)
        day = TODAY + dt.timedelta(days=random.randint(1, 90))
        location = gid("Location", spa["id"], spa["location"])
        services = [gid("Service", spa["id"], random.choice(spa["services"]))]
        found = self.post(
            spa,
            "book: find slot",
            FIND_SLOT,
            {
                "location": location,
                "services": services,
                "from": day.isoformat(),
                "to": day.isoformat(),
                "first": 20,
            },
        )
        if found is None:
            return
        if not found["availability"]:
            outcomes["book: no free slot that day"] += 1
            return
        slot = random.choice(found["availability"])
        client = random.randint(spa["clients"][0], spa["clients"][1])
        booked = self.post(
            spa,
            "book",
            BOOK,
            {
                "input": {
                    "clientId": gid("Client", spa["id"], client),
                    "providerId": slot["provider"]["id"],
                    "locationId": location,
                    "serviceIds": services,
                    "startsAt": slot["startsAt"],
                    "notes": NOTES,
                }
            },
        )
        if booked is None:
            return
        errors = booked["bookAppointment"]["errors"]
        if not errors:
            outcomes["book: booked"] += 1
        else:
            code = errors[0]["code"]
            outcomes[
                f"book: refused {code}" if code == "SLOT_TAKEN" else f"book: error {code}"
            ] += 1

    @task(2)
    def login(self) -> None:
        spa = random.choice(SPAS)
        variables = {"email": spa["email"], "password": spa["password"]}
        data = self.post(spa, "login", LOGIN, variables, token=False)
        if data is None:
            return
        errors = data["login"]["errors"]
        outcomes["login: ok" if not errors else f"login: error {errors[0]['code']}"] += 1


@events.quitting.add_listener
def _write_outcomes(environment, **kwargs) -> None:
    path = os.environ.get("BENCH_LOAD_OUT")
    if path:
        with open(path, "w") as out:
            json.dump(dict(outcomes), out, indent=1, sort_keys=True)
