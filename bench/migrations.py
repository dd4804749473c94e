"""migrate_schemas over many spas, serial against parallel.

    .venv/bin/python bench/migrations.py [--spas 200] [--processes 2]

On a throw-away embedded PostgreSQL with fsync on. Times, over every spa:
- a no-op `migrate` (everything applied: the cost of visiting each schema);
- a one-column migration (bench/benchapp 0002: AddField), applied to every spa;
with 1 process and with --processes worker processes.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ["BENCH_MIGRATIONS_APP"] = "1"

from _django import setup


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spas", type=int, default=200)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    setup()

    from django.core.management import call_command

    from shared_apps.lifecycle.services import spa_provision

    started = time.perf_counter()
    for i in range(args.spas):
        spa_provision(
            slug=f"mig-{i}", name=f"Spa {i}", timezone_name="UTC", owner_email="o@b.example"
        )
    print(f"provisioned {args.spas} spas in {time.perf_counter() - started:.1f} s")

    def timed_migrate(*labels: str, processes: int) -> float:
        started = time.perf_counter()
        call_command("migrate_schemas", *labels, tenant=True, parallel=processes, verbosity=0)
        return time.perf_counter() - started

    print(f"{'':<34}{'1 process':>12}{f'{args.processes} processes':>16}")
    noop = [timed_migrate(processes=p) for p in (1, args.processes)]
    print(f"{'no-op migrate':<34}{noop[0]:>10.1f} s{noop[1]:>14.1f} s")
    column = []
    for processes in (1, args.processes):
        timed_migrate("benchapp", "0001", processes=args.processes)  # roll the column back
        column.append(timed_migrate("benchapp", "0002", processes=processes))
    print(f"{'one-column migration (AddField)':<34}{column[0]:>10.1f} s{column[1]:>14.1f} s")
    per_spa = [1000 * t / args.spas for t in (*noop, *column)]
    print(
        f"per spa: no-op {per_spa[0]:.0f} / {per_spa[1]:.0f} ms, "
        f"one column {per_spa[2]:.0f} / {per_spa[3]:.0f} ms"
    )


if __name__ == "__main__":
    main()
