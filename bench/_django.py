"""Shared set-up for the benchmarks: Django on a throw-away durable cluster
(config/settings/bench.py), migrated, with the spa template ready."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(*, migrate: bool = True) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.bench")
    import django

    django.setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0)


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def summary(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[18] if len(ms) > 1 else ms[0]
    return (
        f"n={len(ms):<4} median {statistics.median(ms):8.1f} ms   p95 {p95:8.1f} ms   "
        f"min {ms[0]:8.1f} ms   max {ms[-1]:8.1f} ms"
    )
