"""Races for the concurrency tests: one function run by many threads at once,
each thread on its own database connection to a spa's schema."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import connections

from tenants.db import connection
from tenants.models import Spa

_T = TypeVar("_T")


def at_once(
    spa: Spa, count: int, attempt: Callable[[int], _T], *, timeout: float = 120
) -> tuple[list[_T], list[BaseException]]:
    """Run `attempt(n)` for n in 0..count-1, each in a thread of its own on its
    own connection set to `spa`, all released together by a barrier; what they
    returned (in the order they finished) and what any of them raised (the
    test asserts there is nothing: an exception in a thread fails no test by
    itself)."""
    start = threading.Barrier(count)
    results: list[_T] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            connection.set_tenant(spa)
            start.wait()
            result = attempt(n)
            with lock:
                results.append(result)
        except BaseException as exc:  # handed to the test's thread
            with lock:
                failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, failures
