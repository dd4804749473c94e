"""Spas on a real Citus cluster: provisioning, migrations, a move under load, a worker down.

    CITUS_DATABASE_URL=postgresql://postgres@127.0.0.1:9700/medspa \\
        .venv/bin/python bench/citus.py [provision|migrate|move|reach] [--spas 30]

The database must be a Citus coordinator with workers (platform/SCALING.md,
"Running on Citus"), and a scratch one: spas named `citus-bench-*` (and the
front desk's "frontdesk") are created there and left for inspection.

- provision: per step of `spa_provision` (register, build the schema,
  distribute it, open it) and for the whole call, median and p95 over --spas
  spas: first with no spare schema (clone, then distribute), then with one ready
  each time (a spare renamed; tenants/citus.py).
- migrate: over every spa, a no-op `migrate`, then bench/benchapp's migrations
  applied to every distributed spa: a new table (0001), a column (0002), and a
  PositiveIntegerField, whose CHECK Citus refuses unless named (0003).
- move: the front desk's spa moved to the other worker by `citus_schema_move`
  while one thread reads its day (GraphQL `daySchedule`) and another creates
  clients (`createClient`), each on its own connection, in a loop: requests,
  errors and the slowest of each during the move.
- reach: one GraphQL read on every spa; ok and failed per worker. Run it with
  every worker up, then with one stopped, to see which spas a down worker takes
  with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections import Counter, defaultdict
from typing import Any

from _django import summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("phase", nargs="?", default="provision")
    parser.add_argument("--spas", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("CITUS_DATABASE_URL")
    if not url:
        sys.exit("Set CITUS_DATABASE_URL to a Citus coordinator's scratch database.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SPA_CITUS", "on")
    os.environ["BENCH_MIGRATIONS_APP"] = "1"  # the migrate phase's tenant app

    from _django import setup

    setup(migrate=args.phase != "reach")  # reach runs with a worker down, where migrate fails
    {"provision": provision, "migrate": migrate, "move": move, "reach": reach}[args.phase](args)


def provision(args: argparse.Namespace) -> None:
    import tenants.provisioning as provisioning
    from shared_apps.lifecycle.services import spa_provision
    from tenants.citus import spare_schemas_fill

    steps: dict[str, list[float]] = defaultdict(list)

    def timing(name, fn):
        def wrapper(*a, **kw):
            started = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                steps[name].append(time.perf_counter() - started)

        return wrapper

    provisioning.spa_register = timing("register", provisioning.spa_register)
    provisioning.spa_schema_build = timing("build", provisioning.spa_schema_build)
    provisioning.spa_schema_spread = timing("distribute", provisioning.spa_schema_spread)
    provisioning._spa_open = timing("open", provisioning._spa_open)
    run = int(time.time())

    def provision_many(label: str, *, spares: bool) -> None:
        steps.clear()
        whole = []
        for n in range(args.spas):
            if spares:
                spare_schemas_fill(1)  # between spas, as `spa spares` does, untimed
            started = time.perf_counter()
            spa_provision(
                slug=f"citus-bench-{run}-{label}-{n}",
                name=f"Bench {n}",
                timezone_name="America/New_York",
                owner_email=f"owner{n}@bench.example",
            )
            whole.append(time.perf_counter() - started)
        print(f"spa_provision on Citus, {args.spas} spas, {label} (the first left out: warm-up)")
        for name, seconds in steps.items():
            print(f"  {name:<11} {summary(seconds[1:])}")
        print(f"  {'whole':<11} {summary(whole[1:])}")

    spare_schemas_fill(0)
    provision_many("no-spares", spares=False)
    provision_many("from-spares", spares=True)


def migrate(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from tenants.models import Spa

    spas = Spa.objects.exclude(status="provisioning").count()

    def timed(*labels: str) -> float:
        started = time.perf_counter()
        call_command("migrate_schemas", *labels, tenant=True, verbosity=0)
        return time.perf_counter() - started

    call_command("migrate_schemas", "benchapp", "zero", tenant=True, verbosity=0)

    def report(label: str, seconds: float) -> None:
        per_spa = 1000 * seconds / spas
        print(f"{label:<44} over {spas} spas: {seconds:6.1f} s ({per_spa:.0f} ms a spa)")

    for label, target in (
        ("a new table (CreateModel)", "0001"),
        ("a column (AddField)", "0002"),
        ("a PositiveIntegerField (AddField + CHECK)", "0003"),
    ):
        report(label, timed("benchapp", target))
    report("no-op migrate", timed())


# Where each distributed schema's shards are, from Citus' metadata only (no
# worker asked: it answers with a worker down too).
_PLACEMENTS = """
SELECT DISTINCT n.nspname, node.nodename, node.nodeport
FROM pg_dist_partition p
JOIN pg_dist_shard s ON s.logicalrelid = p.logicalrelid
JOIN pg_dist_placement pl ON pl.shardid = s.shardid
JOIN pg_dist_node node ON node.groupid = pl.groupid
JOIN pg_class c ON c.oid = p.logicalrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname <> 'public'
"""


def _placements() -> dict[str, tuple[str, int]]:
    from tenants.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_PLACEMENTS)
        return {schema: (host, port) for schema, host, port in cursor.fetchall()}


def move(args: argparse.Namespace) -> None:
    from _frontdesk import DAY_SCHEDULE, frontdesk
    from django.db import connections

    from tenants.db import connection

    desk = frontdesk()
    schema = desk.spa.schema_name
    source = _placements()[schema]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nodename, nodeport FROM pg_dist_node WHERE shouldhaveshards AND isactive"
            " AND (nodename, nodeport) <> (%s, %s) ORDER BY nodeport LIMIT 1",
            list(source),
        )
        target = cursor.fetchone()
    create = (
        "mutation($input: ClientInput!) { createClient(input: $input, allowDuplicate: true)"
        " { client { id } errors { code } } }"
    )
    done = threading.Event()
    results: dict[str, list[tuple[bool, float]]] = defaultdict(list)

    def loop(kind: str) -> None:
        api = desk.client()
        n = 0
        try:
            while not done.is_set():
                n += 1
                variables: dict[str, Any]
                if kind == "read":
                    query, variables = DAY_SCHEDULE, desk.day_schedule_variables()
                else:
                    query = create
                    variables = {"input": {"firstName": "Moving", "lastName": f"Day {n}"}}
                started = time.perf_counter()
                response = api.post(
                    "/graphql/",
                    json.dumps({"query": query, "variables": variables}),
                    content_type="application/json",
                )
                body = json.loads(response.content)
                ok = response.status_code == 200 and "errors" not in body
                if ok and kind == "write":
                    ok = not body["data"]["createClient"]["errors"]
                results[kind].append((ok, time.perf_counter() - started))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=loop, args=(kind,)) for kind in ("read", "write")]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    before = {kind: len(r) for kind, r in results.items()}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT citus_schema_move(%s, %s, %s)", [schema, *target])
    moved_in = time.perf_counter() - started
    time.sleep(1.0)
    done.set()
    for thread in threads:
        thread.join()
    route = f"{source[0]}:{source[1]} to {target[0]}:{target[1]}"
    print(f"moved {schema} from {route} in {moved_in:.2f} s")
    for kind, outcomes in results.items():
        during = outcomes[before.get(kind, 0) :]
        errors = sum(1 for ok, _ in during if not ok)
        slowest = max((seconds for _, seconds in during), default=0.0)
        print(
            f"  {kind:<5} {len(during):>5} requests from the move's start, {errors} errors,"
            f" slowest {1000 * slowest:.0f} ms"
        )
    print(f"  now on {':'.join(map(str, _placements()[schema]))}")


def reach(args: argparse.Namespace) -> None:
    from django.conf import settings
    from django.db import connections
    from django.test import Client

    from shared_apps.accounts.models import Membership
    from shared_apps.accounts.services.tokens import token_issue
    from tenants.models import Spa

    port_of = {schema: port for schema, (_, port) in _placements().items()}
    tally: Counter[tuple[Any, str]] = Counter()
    for spa in Spa.objects.filter(status="active").order_by("slug"):
        owner = Membership.objects.filter(spa=spa, role="owner").first()
        if owner is None:
            continue
        token = token_issue(membership=owner).secret
        api = Client(
            HTTP_HOST=f"{spa.slug}.{settings.ROOT_DOMAIN}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        response = api.post(
            "/graphql/",
            json.dumps({"query": "{ clients(first: 1) { totalCount } }"}),
            content_type="application/json",
        )
        ok = response.status_code == 200 and "errors" not in json.loads(response.content)
        tally[
            port_of.get(spa.schema_name, "local"),
            "ok" if ok else f"failed ({response.status_code})",
        ] += 1
        connections.close_all()  # a failed worker connection must not poison the next spa
    for (port, outcome), count in sorted(tally.items(), key=str):
        print(f"  spas on {port}: {count} {outcome}")


if __name__ == "__main__":
    main()
