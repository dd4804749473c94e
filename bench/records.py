"""Client search over 50,000 clients, and a 100-client list page, through the
real GraphQL view (Django's whole stack: routing, token, GraphQL, SQL, the PHI
audit insert, JSON).

    .venv/bin/python bench/records.py [--clients 50000] [--requests 300] [--show-sql]

Prints median and p95 per request, and the SQL statements each request runs.
Target (issue 4): under 30 ms median each on the development machine.
"""

from __future__ import annotations

import argparse
import json
import random
import time

from _django import setup, summary

FIRST = [
    "Olivia",
    "Emma",
    "Ava",
    "Sophia",
    "Isabella",
    "Mia",
    "Amelia",
    "Harper",
    "Evelyn",
    "Abigail",
    "Emily",
    "Ella",
    "Elizabeth",
    "Camila",
    "Luna",
    "Sofia",
    "Avery",
    "Mila",
    "Aria",
    "Scarlett",
    "Penelope",
    "Layla",
    "Chloe",
    "Victoria",
    "Madison",
    "Eleanor",
    "Grace",
    "Nora",
    "Riley",
    "Zoey",
    "Hannah",
    "Hazel",
    "Lily",
    "Ellie",
    "Violet",
    "Lillian",
    "Zoe",
    "Stella",
    "Aurora",
    "Natalie",
    "Liam",
    "Noah",
    "Oliver",
    "Elijah",
    "James",
    "William",
    "Benjamin",
    "Lucas",
    "Henry",
    "Theodore",
    "Jack",
    "Levi",
    "Alexander",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Kowalski",
]

SEARCH = """query($q: String!) { clients(search: $q, first: 20) {
  edges { node { id displayName phone email } } } }"""
LIST = """query { clients(first: 100) {
  edges { node { id displayName phone email dateOfBirth tags allergies } }
  pageInfo { hasNextPage endCursor } } }"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--show-sql", action="store_true", help="print each request's SQL")
    args = parser.parse_args()
    setup()

    from django.conf import settings
    from django.db import connection as db
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import tenant_context

    from shared_apps.accounts.models import Membership
    from shared_apps.accounts.services.tokens import token_issue
    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.clients.models import Client as Patient
    from tenants.models import Spa

    spa = Spa.objects.filter(slug="records").first() or spa_provision(
        slug="records", name="Records Bench", timezone_name="UTC", owner_email="o@bench.example"
    )
    rng = random.Random(4)
    with tenant_context(spa):
        have = Patient.objects.count()
        started = time.perf_counter()
        batch: list[Patient] = []
        for n in range(have, args.clients):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            batch.append(
                Patient(
                    first_name=first,
                    last_name=last,
                    email=f"{first}.{last}{n}@mail.example".lower(),
                    phone=f"+1{rng.randint(201, 989)}555{n % 10000:04}",
                    tags=["vip"] if n % 20 == 0 else [],
                )
            )
            if len(batch) == 5000:
                Patient.objects.bulk_create(batch)
                batch = []
        Patient.objects.bulk_create(batch)
        with db.cursor() as cursor:
            cursor.execute("ANALYZE clients_client")
        if args.clients > have:
            print(f"loaded {args.clients - have} clients in {time.perf_counter() - started:.1f} s")
        total = Patient.objects.count()

    owner = Membership.objects.get(spa=spa, role="owner")
    api = Client(
        HTTP_HOST=f"records.{settings.ROOT_DOMAIN}",
        HTTP_AUTHORIZATION=f"Bearer {token_issue(membership=owner).secret}",
    )

    def post(query: str, variables: dict | None = None) -> dict:
        body = json.dumps({"query": query, "variables": variables or {}})
        response = api.post("/graphql/", body, content_type="application/json")
        data = json.loads(response.content)
        assert response.status_code == 200 and "errors" not in data, data
        return data

    terms = (
        [n[:3].lower() for n in FIRST]
        + [n.lower() for n in LAST]
        + [f"{rng.choice(FIRST)} {rng.choice(LAST)[:2]}" for _ in range(40)]
        + [f"555{rng.randint(0, 9999):04}" for _ in range(20)]
        + [f"{rng.choice(FIRST).lower()}.{rng.choice(LAST).lower()}" for _ in range(20)]
    )

    def measure(name: str, run) -> None:
        for _ in range(20):  # warm: routing cache, token, parsed documents
            run(0)
        with CaptureQueriesContext(db) as queries:
            run(0)
        statements = len(queries)  # now: each request clears the log
        if args.show_sql:
            for query in queries.captured_queries:
                print(f"    {query['sql'][:110]}")
        seconds = []
        for i in range(args.requests):
            started = time.perf_counter()
            run(i)
            seconds.append(time.perf_counter() - started)
        print(f"{name:<34} {summary(seconds)}   SQL per request: {statements}")

    print(f"spa 'records' with {total} clients; {args.requests} requests each\n")
    hits = [len(post(SEARCH, {"q": t})["data"]["clients"]["edges"]) for t in terms]
    print(
        f"search terms: {len(terms)} (name prefixes, full names, phone digits, emails); "
        f"{sum(1 for h in hits if h)} with results, {sum(hits) / len(hits):.1f} rows on average"
    )
    measure("client search (first: 20)", lambda i: post(SEARCH, {"q": terms[i % len(terms)]}))
    measure("client list page (first: 100)", lambda i: post(LIST))


if __name__ == "__main__":
    main()
