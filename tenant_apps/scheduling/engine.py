"""The availability engine: which starts are free for a sequence of services, and
whether one exact start works. Pure Python on inputs loaded by the selector
(`selectors.availability.availability_inputs`); no database access.

The rules:

- The services run back to back in the given order, all by one provider: each
  segment starts when the one before ends, and the appointment ends at start +
  the sum of the durations. All arithmetic is on absolute time, so 60 minutes
  from 01:30 on a spring-forward night end at 03:30 local, one real hour later.
- The provider is blocked over [start - first buffer_before, end + last
  buffer_after), which must not overlap any of the provider's busy spans.
- The client-facing span [start, end) lies inside one continuous stretch of the
  location's opening hours and inside one of the provider's working hours at
  this location (adjacent intervals such as 09:00-12:00 and 12:00-17:00 form one
  stretch). Buffers may spill outside hours, never into busy time.
- Hours are weekly local wall times: on a local date D an interval is the real
  time between its two wall times on D. A wall time stands for the first instant
  at which the clock on D reads that time or later, so a time in the repeated
  hour of a fall-back night is its first occurrence and a time skipped by a
  spring-forward jump is the end of the jump (02:30 is 03:00 EDT on the March
  change in America/New_York). Hours 01:00-04:00 are then 2 real hours on that
  night and 4 on the November change; intervals ending where the next begins
  stay adjacent, and a wall time that never occurs adds no open time.
- For every service with required credentials the provider holds one of them
  with `expires_on` on or after the appointment's local start date. In
  find_slots providers that do not are skipped for that date.
- Each segment holds one resource of each type its service needs (a type listed
  twice counts once) over [segment start - its buffer_before, segment end + its
  buffer_after), free of the resource's busy spans. A resource serving several
  segments is held once, from the earliest to the latest of their spans, and
  must be free over all of it. A resource already held for an earlier segment is
  preferred when it is free for the merged span, then the lowest free id; when
  those choices lead nowhere the next ones are tried, so a slot is refused only
  when no assignment exists.
- find_slots: candidate starts on the local dates first_day..last_day are the
  instants whose local wall time is a multiple of `granularity` since local
  midnight, inside an open stretch, no earlier than now + min_notice and no
  later than now + horizon. Both instants of a repeated wall time are
  candidates; a skipped one is none. Slots come sorted by (start, provider id).
- check_slot takes any start (staff may book 10:05) and raises Unavailable with
  the first failing code in this order: OUTSIDE_POLICY, NOT_QUALIFIED,
  LOCATION_CLOSED, PROVIDER_NOT_WORKING, PROVIDER_BUSY, NO_RESOURCE.

Datetimes come back in UTC. Internally instants are integer microseconds since
the Unix epoch and interval lists are kept sorted and merged, so every check is
a bisection.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from tenant_apps.locations.weekly import WeeklyInterval

UNAVAILABLE_CODES = (
    "OUTSIDE_POLICY",
    "NOT_QUALIFIED",
    "LOCATION_CLOSED",
    "PROVIDER_NOT_WORKING",
    "PROVIDER_BUSY",
    "NO_RESOURCE",
)


@dataclass(frozen=True)
class Interval:
    """Half-open [starts_at, ends_at), timezone-aware."""

    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class ServiceSpec:
    id: int
    duration: dt.timedelta
    buffer_before: dt.timedelta = dt.timedelta(0)
    buffer_after: dt.timedelta = dt.timedelta(0)
    # The provider needs one of these, valid on the local date; empty: anyone.
    required_credentials: frozenset[str] = frozenset()
    # One resource of each of these types.
    resource_type_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProviderSpec:
    id: int
    # (kind, expires_on): valid on local dates up to and including expires_on.
    credentials: tuple[tuple[str, dt.date], ...] = ()
    # At this location, in local wall time.
    working_hours: tuple[WeeklyInterval, ...] = ()
    # Time off and other appointments' blocked spans (buffers included).
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class ResourceSpec:
    id: int
    type_id: int
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class LocationSpec:
    timezone: ZoneInfo
    hours: tuple[WeeklyInterval, ...]


@dataclass(frozen=True)
class Policy:
    granularity: dt.timedelta = dt.timedelta(minutes=15)
    # None: no lower bound at all (staff entering a visit that already happened).
    min_notice: dt.timedelta | None = dt.timedelta(0)
    horizon: dt.timedelta | None = None


@dataclass(frozen=True)
class Segment:
    service_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class ResourceHold:
    resource_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    provider_id: int
    segments: tuple[Segment, ...]
    blocked_from: dt.datetime
    blocked_until: dt.datetime
    holds: tuple[ResourceHold, ...]


class Unavailable(Exception):
    """Why a start does not work: `code` (one of UNAVAILABLE_CODES) and a message
    for staff, which names ids and times only, never client data."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_ORDINAL = _EPOCH.date().toordinal()
_US = dt.timedelta(microseconds=1)
_DAY = 86_400_000_000
_ONE_DAY = dt.timedelta(days=1)
_ALWAYS = dt.date.max.toordinal()

Spans = tuple[list[int], list[int]]  # sorted, disjoint, non-touching: starts and ends


def _us(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // _US


def _at(us: int) -> dt.datetime:
    return _EPOCH + _US * us


def _aware_us(moment: dt.datetime, name: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware.")
    return _us(moment)


def _offset(zone: ZoneInfo, us: int) -> int:
    offset = _at(us).astimezone(zone).utcoffset()
    return 0 if offset is None else offset // _US


def _change_after(zone: ZoneInfo, lo: int, hi: int) -> int:
    """The first instant in (lo, hi] whose UTC offset differs from lo's (hi's differs)."""
    before = _offset(zone, lo)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset(zone, mid) == before:
            lo = mid
        else:
            hi = mid
    return hi


def _wall_to_us(day: dt.date, time: dt.time, zone: ZoneInfo) -> int:
    """The first instant at which the clock on `day` reads `time` or later."""
    wall = dt.datetime.combine(day, time.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=zone)  # fold=0: the first occurrence of a repeated time
    moment = _us(first)
    if first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return moment
    # Skipped by a jump. fold=0 reads it with the offset before the jump, an
    # instant after it; fold=1 with the offset after, an instant before it.
    return _change_after(zone, _us(wall.replace(tzinfo=zone, fold=1)), moment)


def _merged(spans: Iterable[tuple[int, int]]) -> Spans:
    starts: list[int] = []
    ends: list[int] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _busy(intervals: Iterable[Interval]) -> Spans:
    return _merged((_us(i.starts_at), _us(i.ends_at)) for i in intervals)


def _stretches(
    hours: Iterable[WeeklyInterval], zone: ZoneInfo, first_day: dt.date, last_day: dt.date
) -> Spans:
    """Weekly hours on the local dates first_day..last_day as continuous stretches."""
    by_weekday: dict[int, list[WeeklyInterval]] = {}
    for interval in hours:
        by_weekday.setdefault(interval.weekday, []).append(interval)
    spans = []
    day = first_day
    while day <= last_day:
        for interval in by_weekday.get(day.isoweekday(), ()):
            spans.append(
                (
                    _wall_to_us(day, interval.starts_at, zone),
                    _wall_to_us(day, interval.ends_at, zone),
                )
            )
        day += _ONE_DAY
    return _merged(spans)


def _is_free(spans: Spans, lo: int, hi: int) -> bool:
    """[lo, hi) overlaps none of `spans`."""
    starts, ends = spans
    i = bisect_right(ends, lo)
    return i == len(starts) or starts[i] >= hi


def _covers(spans: Spans, lo: int, hi: int) -> bool:
    """[lo, hi) lies inside one of `spans`."""
    starts, ends = spans
    i = bisect_right(starts, lo) - 1
    return i >= 0 and ends[i] >= hi


def _grid(zone: ZoneInfo, lo: int, hi: int, step: int) -> Iterator[tuple[int, int]]:
    """The instants in [lo, hi) whose local wall time is a multiple of `step` since
    local midnight, in order, each with the ordinal of its local date."""
    at = lo
    offset = _offset(zone, at)
    while True:
        since_midnight = (at + offset) % _DAY
        # Up to the next multiple of `step`, or to the next midnight, where the grid restarts.
        candidate = at + min(-since_midnight % step, _DAY - since_midnight)
        if candidate >= hi:
            return
        if _offset(zone, candidate) != offset:
            # The clock changed in between: align again from the change.
            at = _change_after(zone, at, candidate)
            offset = _offset(zone, at)
            continue
        yield candidate, _EPOCH_ORDINAL + (candidate + offset) // _DAY
        at = candidate + 1


class _Sequence:
    """The services as offsets from the start, in microseconds."""

    def __init__(self, services: Sequence[ServiceSpec]) -> None:
        if not services:
            raise ValueError("Give at least one service.")
        self.services = tuple(services)
        self.parts: list[tuple[int, int, int]] = []  # service id, from, until
        # Resource type -> (service id, hold from, hold until) for each segment needing it.
        self.demands: dict[int, list[tuple[int, int, int]]] = {}
        at = 0
        for service in services:
            duration = service.duration // _US
            before, after = service.buffer_before // _US, service.buffer_after // _US
            if duration <= 0 or before < 0 or after < 0:
                raise ValueError(
                    f"Service {service.id}: a positive duration, buffers of 0 or more."
                )
            self.parts.append((service.id, at, at + duration))
            for type_id in dict.fromkeys(service.resource_type_ids):
                self.demands.setdefault(type_id, []).append(
                    (service.id, at - before, at + duration + after)
                )
            at += duration
        self.length = at
        self.lead = services[0].buffer_before // _US
        self.trail = services[-1].buffer_after // _US

    def unqualified_service(self, provider: ProviderSpec, day: dt.date) -> int | None:
        """The first service `provider` holds no valid credential for on `day`."""
        for service in self.services:
            required = service.required_credentials
            if required and not any(
                kind in required and expires_on >= day for kind, expires_on in provider.credentials
            ):
                return service.id
        return None

    def qualified_through(self, provider: ProviderSpec) -> int:
        """The ordinal of the last local date `provider` is qualified on (0: none)."""
        through = _ALWAYS
        for service in self.services:
            required = service.required_credentials
            if required:
                valid = (e.toordinal() for kind, e in provider.credentials if kind in required)
                through = min(through, max(valid, default=0))
        return through


class _Resources:
    """The resources by type, lowest id first, with their busy spans."""

    def __init__(self, resources: Sequence[ResourceSpec]) -> None:
        self.by_type: dict[int, list[tuple[int, Spans]]] = {}
        for resource in sorted(resources, key=lambda r: r.id):
            self.by_type.setdefault(resource.type_id, []).append(
                (resource.id, _busy(resource.busy))
            )

    def holds(self, sequence: _Sequence, start: int) -> tuple[list[tuple[int, int, int]], str]:
        """(resource id, from, until) for every resource the sequence needs when it
        begins at `start`, sorted; or no holds and why not."""
        holds: list[tuple[int, int, int]] = []
        # Types are independent: a resource has one type.
        for type_id, demands in sequence.demands.items():
            pool = self.by_type.get(type_id, [])
            spans = [(start + lo, start + hi) for _, lo, hi in demands]
            chosen = _first_choice(pool, spans) or _assign(pool, spans, {})
            if chosen is None:
                return [], _no_resource(type_id, demands, spans, pool)
            holds.extend((resource_id, lo, hi) for resource_id, (lo, hi) in chosen.items())
        holds.sort(key=lambda hold: (hold[1], hold[0]))
        return holds, ""


def _no_resource(
    type_id: int,
    demands: list[tuple[int, int, int]],
    spans: list[tuple[int, int]],
    pool: list[tuple[int, Spans]],
) -> str:
    for (service_id, _, _), (lo, hi) in zip(demands, spans, strict=True):
        if not any(_is_free(busy, lo, hi) for _, busy in pool):
            return f"No resource of type {type_id} is free for service {service_id}."
    return f"No resource of type {type_id} can be held for all the services needing one."


def _first_choice(
    pool: list[tuple[int, Spans]], spans: list[tuple[int, int]]
) -> dict[int, tuple[int, int]] | None:
    """The first path `_assign` explores, without its bookkeeping: almost always the answer."""
    held: dict[int, tuple[int, int]] = {}
    for lo, hi in spans:
        for resource_id, busy in pool:
            span = held.get(resource_id)
            if span is not None:
                merged = min(lo, span[0]), max(hi, span[1])
                if _is_free(busy, *merged):
                    held[resource_id] = merged
                    break
        else:
            for resource_id, busy in pool:
                if resource_id not in held and _is_free(busy, lo, hi):
                    held[resource_id] = (lo, hi)
                    break
            else:
                return None
    return held


def _assign(
    pool: list[tuple[int, Spans]], spans: list[tuple[int, int]], held: dict[int, tuple[int, int]]
) -> dict[int, tuple[int, int]] | None:
    """A resource of `pool` for each span in order, each held once over all its spans:
    a held one first if free over the merged span, then the lowest free id;
    backtracking when a choice leads nowhere."""
    if not spans:
        return held
    lo, hi = spans[0]
    reused, fresh = [], []
    for resource_id, busy in pool:
        if resource_id in held:
            merged = min(lo, held[resource_id][0]), max(hi, held[resource_id][1])
            if _is_free(busy, *merged):
                reused.append((resource_id, merged))
        elif _is_free(busy, lo, hi):
            fresh.append((resource_id, (lo, hi)))
    for resource_id, span in reused + fresh:
        found = _assign(pool, spans[1:], {**held, resource_id: span})
        if found is not None:
            return found
    return None


# What every slot beginning at one start shares, in Slot's field order around provider_id.
_Shared = tuple[
    dt.datetime,
    dt.datetime,
    tuple[Segment, ...],
    dt.datetime,
    dt.datetime,
    tuple[ResourceHold, ...],
]


def _shared(sequence: _Sequence, start: int, holds: list[tuple[int, int, int]]) -> _Shared:
    # Back to back: each segment ends where the next starts.
    bounds = [_at(start + lo) for _, lo, _ in sequence.parts] + [_at(start + sequence.length)]
    segments = tuple(
        Segment(service_id, bounds[i], bounds[i + 1])
        for i, (service_id, _, _) in enumerate(sequence.parts)
    )
    return (
        bounds[0],
        bounds[-1],
        segments,
        _at(start - sequence.lead),
        _at(start + sequence.length + sequence.trail),
        tuple(ResourceHold(resource_id, _at(lo), _at(hi)) for resource_id, lo, hi in holds),
    )


def _slot(shared: _Shared, provider_id: int) -> Slot:
    starts_at, ends_at, segments, blocked_from, blocked_until, holds = shared
    return Slot(starts_at, ends_at, provider_id, segments, blocked_from, blocked_until, holds)


def _spoken(span: dt.timedelta) -> str:
    """'2 hours', '90 minutes', '60 days', 'no time' (a notice of 0: not in the past)."""
    minutes = int(span.total_seconds() // 60)
    for unit, size in (("day", 1440), ("hour", 60), ("minute", 1)):
        if minutes and minutes % size == 0:
            count = minutes // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return "no time"


def _step(policy: Policy) -> int:
    step = policy.granularity // _US
    if step <= 0:
        raise ValueError("The granularity must be positive.")
    return step


def find_slots(
    *,
    location: LocationSpec,
    services: Sequence[ServiceSpec],
    providers: Sequence[ProviderSpec],
    resources: Sequence[ResourceSpec],
    policy: Policy,
    now: dt.datetime,
    first_day: dt.date,
    last_day: dt.date,
    limit: int | None = None,
) -> list[Slot]:
    """Every (start, provider) that works for `services` in order on the local dates
    first_day..last_day, sorted by start then provider id, at most `limit` of
    them (see the module docstring for the rules)."""
    sequence = _Sequence(services)
    step = _step(policy)
    moment = _aware_us(now, "now")
    earliest = None if policy.min_notice is None else moment + policy.min_notice // _US
    latest = None if policy.horizon is None else moment + policy.horizon // _US
    if first_day > last_day or (limit is not None and limit <= 0):
        return []
    zone = location.timezone
    first, last = first_day.toordinal(), last_day.toordinal()
    candidates = []
    for provider in sorted(providers, key=lambda p: p.id):
        through = sequence.qualified_through(provider)
        working = _stretches(provider.working_hours, zone, first_day, last_day)
        if through >= first and working[0]:
            candidates.append((provider.id, through, working, _busy(provider.busy)))
    if not candidates:
        return []
    pool = _Resources(resources)
    length, lead, trail = sequence.length, sequence.lead, sequence.trail
    slots: list[Slot] = []
    for open_from, open_until in zip(
        *_stretches(location.hours, zone, first_day, last_day), strict=True
    ):
        lo = open_from if earliest is None else max(open_from, earliest)
        hi = open_until - length + 1
        if latest is not None:
            hi = min(hi, latest + 1)
        for start, day in _grid(zone, lo, hi, step):
            if not first <= day <= last:
                continue
            end = start + length
            shared = None
            blocked_from, blocked_until = start - lead, end + trail
            # _covers and _is_free inlined: this loop is the engine's hot path.
            for provider_id, through, working, busy in candidates:
                if day > through:
                    continue
                i = bisect_right(working[0], start) - 1
                if i < 0 or working[1][i] < end:
                    continue
                i = bisect_right(busy[1], blocked_from)
                if i < len(busy[0]) and busy[0][i] < blocked_until:
                    continue
                if shared is None:
                    # The same for every provider: worked out once per start.
                    holds, reason = pool.holds(sequence, start)
                    if reason:
                        break
                    shared = _shared(sequence, start, holds)
                slots.append(_slot(shared, provider_id))
                if limit is not None and len(slots) >= limit:
                    return slots
    return slots


def check_slot(
    *,
    location: LocationSpec,
    services: Sequence[ServiceSpec],
    provider: ProviderSpec,
    resources: Sequence[ResourceSpec],
    policy: Policy,
    now: dt.datetime,
    starts_at: dt.datetime,
) -> Slot:
    """The slot `services` make with `provider` from exactly `starts_at` (on the
    granularity grid or not), or Unavailable with the first rule it breaks."""
    sequence = _Sequence(services)
    start = _aware_us(starts_at, "starts_at")
    moment = _aware_us(now, "now")
    end = start + sequence.length
    if policy.min_notice is not None and start < moment + policy.min_notice // _US:
        raise Unavailable("OUTSIDE_POLICY", f"Book at least {_spoken(policy.min_notice)} ahead.")
    if policy.horizon is not None and start > moment + policy.horizon // _US:
        raise Unavailable("OUTSIDE_POLICY", f"Book at most {_spoken(policy.horizon)} ahead.")
    zone = location.timezone
    day = starts_at.astimezone(zone).date()
    service_id = sequence.unqualified_service(provider, day)
    if service_id is not None:
        raise Unavailable(
            "NOT_QUALIFIED",
            f"Provider {provider.id} holds no valid credential for service {service_id} on {day}.",
        )
    # A stretch lies within its own local day; the neighbours cost little and spare the proof.
    first_day, last_day = day - _ONE_DAY, day + _ONE_DAY
    if not _covers(_stretches(location.hours, zone, first_day, last_day), start, end):
        raise Unavailable("LOCATION_CLOSED", "The location is not open for the whole appointment.")
    if not _covers(_stretches(provider.working_hours, zone, first_day, last_day), start, end):
        raise Unavailable(
            "PROVIDER_NOT_WORKING",
            f"Provider {provider.id} does not work here for the whole appointment.",
        )
    if not _is_free(_busy(provider.busy), start - sequence.lead, end + sequence.trail):
        raise Unavailable("PROVIDER_BUSY", f"Provider {provider.id} is busy then.")
    holds, reason = _Resources(resources).holds(sequence, start)
    if reason:
        raise Unavailable("NO_RESOURCE", reason)
    return _slot(_shared(sequence, start, holds), provider.id)
