"""Spas on a real Citus cluster: provisioning step by step, and migrations over distributed spas.

    CITUS_DATABASE_URL=postgresql://postgres@127.0.0.1:9700/medspa \\
        .venv/bin/python bench/citus.py [--spas 30]

The database must be a Citus coordinator with workers (platform/SCALING.md,
"Running on Citus"); use a scratch database: spas named `citus-bench-*` are
created there and left for inspection (`manage.py spa list`). Prints, per step
of `spa_provision` (register, build the schema, distribute it to a worker, open
it) and for the whole call, the median and p95 over the spas: first with no
spare schema (clone, then distribute), then with one ready each time (a spare
renamed; tenants/citus.py); then a no-op `migrate` over every distributed spa,
and the spread of spas over the workers.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict

from _django import summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spas", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("CITUS_DATABASE_URL")
    if not url:
        sys.exit("Set CITUS_DATABASE_URL to a Citus coordinator's scratch database.")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SPA_CITUS", "on")

    from _django import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    import tenants.provisioning as provisioning
    from shared_apps.lifecycle.services import spa_provision
    from tenants.db import connection
    from tenants.models import Spa

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
    provisioning.spa_schema_build = timing("build (clone)", provisioning.spa_schema_build)
    provisioning.spa_schema_spread = timing("distribute", provisioning.spa_schema_spread)
    provisioning._spa_open = timing("open", provisioning._spa_open)

    from tenants.citus import spare_schemas_fill

    run = int(time.time())

    def provision(label: str, count: int, *, spares: bool) -> None:
        steps.clear()
        whole = []
        for n in range(count):
            if spares:
                spare_schemas_fill(1)  # between spas, as `spa spares` would, untimed
            started = time.perf_counter()
            spa_provision(
                slug=f"citus-bench-{run}-{label}-{n}",
                name=f"Bench {n}",
                timezone_name="America/New_York",
                owner_email=f"owner{n}@bench.example",
            )
            whole.append(time.perf_counter() - started)
        print(f"spa_provision on Citus, {count} spas, {label} (the first is left out: warm-up)")
        for name, seconds in steps.items():
            print(f"  {name:<14} {summary(seconds[1:])}")
        print(f"  {'whole':<14} {summary(whole[1:])}")

    spare_schemas_fill(0)
    provision("no-spares", args.spas, spares=False)
    provision("from-spares", args.spas, spares=True)

    distributed = Spa.objects.count()
    spare_schemas_fill(settings.SPA_CITUS_SPARES)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"no-op migrate over {distributed} spas: {time.perf_counter() - started:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nodeport, count(DISTINCT colocation_id) FROM citus_shards s "
            "JOIN pg_dist_partition p ON p.logicalrelid = s.table_name "
            "WHERE s.citus_table_type = 'schema' GROUP BY nodeport ORDER BY nodeport"
        )
        spread = Counter(dict(cursor.fetchall()))
    print("distributed spa schemas per worker port:", dict(spread))


if __name__ == "__main__":
    main()
