"""What the query checks cost (core/graphql/validation.py, core/graphql/limits.py,
core/graphql/inputs.py), on the front desk's day schedule and on the attack
documents they refuse.

    .venv/bin/python bench/query_limits.py [--rounds 2000]

The endpoint runs these checks once per distinct query text (the verdict is
cached with the parsed document), so a request that repeats a document pays
none of it; the figures are what the first request with a new text pays.
Target (issue 17): the cost limit under 1 ms on the day schedule.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _median_us(fn: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from _frontdesk import DAY_SCHEDULE
    from graphql import parse, validate

    from config.schema_tenant import schema
    from core.graphql.inputs import literal_errors
    from core.graphql.limits import fragment_errors, limit_errors
    from core.graphql.validation import check_document, document_limits, validation_rules

    graphql_schema = schema.graphql_schema
    rules = list(validation_rules())
    limits = document_limits()
    document = parse(DAY_SCHEDULE)
    rows = [
        ("parse", lambda: parse(DAY_SCHEDULE)),
        ("spec rules + aliases", lambda: validate(graphql_schema, document, rules)),
        ("string literals (no \\u: skipped)", lambda: literal_errors(DAY_SCHEDULE, document)),
        ("fragments (unknown, cycles)", lambda: fragment_errors(document)),
        ("depth and cost", lambda: limit_errors(graphql_schema, document, limits)),
        ("all of it (check_document)", lambda: check_document(graphql_schema, rules, DAY_SCHEDULE)),
    ]
    print(f"day schedule (bench/_frontdesk.py), median of {args.rounds}:")
    for label, fn in rows:
        print(f"  {label:<30} {_median_us(fn, args.rounds):9.1f} µs")

    for levels in (16, 24, 32):
        fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
        text = "query Boom { ...F0 }\n" + "\n".join(fragments)
        text += f"\nfragment F{levels} on Query {{ __typename }}"
        rounds = max(args.rounds // 20, 10)
        refused = check_document(graphql_schema, rules, text)[1]
        took = _median_us(partial(check_document, graphql_schema, rules, text), rounds)
        print(
            f"exponential fragments, {levels} levels ({len(text)} bytes, 2^{levels} fields): "
            f"refused ({refused[0].message[:60]}) in {took:.0f} µs"
        )


if __name__ == "__main__":
    main()
