"""The accounts tests' fixtures."""

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Each test starts with no rate-limit counts: the limits are per hour and
    per client address, and every test client has the same address, so what
    earlier tests in the run asked for would count against this one."""
    cache.clear()
    yield
