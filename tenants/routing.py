"""Host -> spa lookup with a per-process cache.

A warm process answers with one dictionary lookup. A cold one loads every
verified domain with its spa in one query (`SpaDirectory.fill`) when there are
at most `SPA_ROUTING_FILL_LIMIT` of them, and then knows every host, unknown
ones included, without asking again; past the limit it asks for one host at a
time (one query per host met). With 1,000 spas a process would otherwise send
1,000 lookups as it meets each spa, and again after every routing change.
Cached routes are dropped:
- at once in the process that changes a spa or a domain (`invalidate_routing`,
  called by the services, immediately and again on commit);
- within `SPA_ROUTING_VERSION_INTERVAL` seconds (1 by default) in every other
  process: the services bump `RoutingVersion` in the same transaction, and each
  process reads it at most once per interval (one tiny query per second, not per
  request);
- after `SPA_ROUTING_CACHE_TTL` seconds in any case (a backstop for changes made
  around the services, such as a hand-written UPDATE).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction

if TYPE_CHECKING:
    from tenants.models import Spa

# Unknown hosts are remembered too, so a scan of random hosts costs one query per
# host per TTL, but only this many of them, so it cannot grow the process.
MAX_REMEMBERED_MISSES = 10_000


class SpaDirectory:
    def __init__(self) -> None:
        self._spas: dict[str, tuple[float, Spa]] = {}
        self._misses: dict[str, float] = {}
        self._version: int | None = None
        self._version_checked_at = float("-inf")  # a new process checks at its first request
        # Until then `_spas` holds every verified domain: a host not in it routes nowhere.
        self._complete_until = float("-inf")
        # Until then there are too many domains to hold them all: ask one host at a time.
        self._fill_declined_until = float("-inf")

    def spa_for_host(self, host: str) -> Spa | None:
        """The spa that `host` (already normalised) routes to, or None."""
        now = time.monotonic()
        if now - self._version_checked_at >= settings.SPA_ROUTING_VERSION_INTERVAL:
            self.check_version(now)
        hit = self._spas.get(host)
        if hit is not None and hit[0] > now:
            return hit[1]
        if self._complete_until > now or (self._fill_declined_until <= now and self.fill(now)):
            return self._known_spa(host)
        miss_until = self._misses.get(host)
        if miss_until is not None and miss_until > now:
            return None

        spa = _load_spa(host)
        expires = now + settings.SPA_ROUTING_CACHE_TTL
        if spa is None:
            if len(self._misses) >= MAX_REMEMBERED_MISSES:
                self._misses.clear()
            self._misses[host] = expires
        else:
            self._spas[host] = (expires, spa)
            self._misses.pop(host, None)
        return spa

    def fill(self, now: float | None = None) -> bool:
        """Load every verified domain and its spa in one query, if there are at most
        `SPA_ROUTING_FILL_LIMIT` of them; False (and per-host lookups until the
        TTL passes) if there are more."""
        from tenants.models import Domain

        now = time.monotonic() if now is None else now
        limit = settings.SPA_ROUTING_FILL_LIMIT
        domains = list(
            Domain.objects.select_related("tenant")
            .filter(verified_at__isnull=False)
            .order_by()[: limit + 1]
        )
        expires = now + settings.SPA_ROUTING_CACHE_TTL
        if len(domains) > limit:
            self._fill_declined_until = expires
            return False
        self._spas = {domain.domain: (expires, domain.tenant) for domain in domains}
        self._misses.clear()
        self._complete_until = expires
        return True

    def _known_spa(self, host: str) -> Spa | None:
        """`host`'s spa from a complete directory."""
        return next(
            (self._spas[name][1] for name in _route_names(host) if name in self._spas), None
        )

    def _forget(self) -> None:
        self._spas.clear()
        self._misses.clear()
        self._complete_until = float("-inf")
        self._fill_declined_until = float("-inf")

    def check_version(self, now: float | None = None) -> None:
        """Drop cached routes if another process changed routing since the last check."""
        from tenants.models import RoutingVersion

        now = time.monotonic() if now is None else now
        version = (
            RoutingVersion.objects.filter(pk=RoutingVersion.SINGLETON_ID)
            .values_list("version", flat=True)
            .first()
        )
        if version != self._version:
            self._forget()
            self._version = version
        self._version_checked_at = now

    def invalidate(self) -> None:
        """Forget every cached route. This counts as a version check: nothing cached
        is left to be stale, and the next check (after the interval) will differ
        from the forgotten version and clear once more, which is harmless."""
        self._forget()
        self._version = None
        self._version_checked_at = time.monotonic()


def _route_names(host: str) -> list[str]:
    """The domains that may route `host`, best first: the host itself, then the
    bare host of a www. one. An exact match wins, so a spa may register
    www.its-domain.com itself."""
    return [host, host[4:]] if host.startswith("www.") else [host]


def _load_spa(host: str) -> Spa | None:
    """The spa of `host` (see `_route_names`), in one query."""
    from tenants.models import Domain

    candidates = _route_names(host)
    domains = Domain.objects.select_related("tenant").filter(
        domain__in=candidates, verified_at__isnull=False
    )
    by_name = {domain.domain: domain.tenant for domain in domains}
    return next((by_name[name] for name in candidates if name in by_name), None)


directory = SpaDirectory()


def invalidate_routing() -> None:
    """Record a routing change for every process, and forget cached routes here:
    now, and again when the transaction commits (a request served in between may
    have cached the old row). Call it inside the transaction making the change."""
    from django.db.models import F

    from tenants.models import RoutingVersion

    RoutingVersion.objects.filter(pk=RoutingVersion.SINGLETON_ID).update(version=F("version") + 1)
    directory.invalidate()
    transaction.on_commit(directory.invalidate)
