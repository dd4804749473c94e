"""Weekly intervals in local wall time: a location's opening hours, a provider's
working hours. Validation shared by their services (HOURS_INVALID, HOURS_OVERLAP:
the staff's error codes list them too), and the expression their exclusion
constraints use.

Core PostgreSQL has no GiST operator class for plain integers or times (that
takes the btree_gist extension), so the constraints compare ranges only: the
owner's id as a one-value range, and each interval placed on a reference week
as a timestamp range (`DATE '2000-12-31' + weekday` is that ISO weekday of the
week of Monday 1 January 2001; adding a time gives a timestamp). Ranges are
half-open, so 09:00-12:00 and 12:00-17:00 do not overlap.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db.models import F, Func, Value

from core.errors import field_error
from tenant_apps.locations.errors import LocationErrorCode

# A week holds at most a few intervals per day; this bounds the work a request can ask for.
MAX_INTERVALS = 50

WEEKDAY_NAMES = {
    1: "Monday",
    2: "Tuesday",
    3: "Wednesday",
    4: "Thursday",
    5: "Friday",
    6: "Saturday",
    7: "Sunday",
}


def id_range(field: str) -> Func:
    """`int8range(field, field, '[]')`: equality as range overlap, for GiST."""
    return Func(F(field), F(field), Value("[]"), function="int8range")


def weekly_range(weekday: str, start: str, end: str) -> Func:
    """The interval as a timestamp range on the reference week (see the module docstring)."""

    def on_reference_week(time: str) -> Func:
        # Keyword arguments in alphabetical order: the migration writer sorts them,
        # and Func compares them in order, so any other order reads as a change.
        return Func(
            F(weekday),
            F(time),
            arg_joiner=" + ",
            template="(DATE '2000-12-31' + %(expressions)s)",
        )

    return Func(on_reference_week(start), on_reference_week(end), function="tsrange")


@dataclass(frozen=True)
class WeeklyInterval:
    """From `starts_at` to `ends_at` (local wall times) every `weekday` (ISO, 1 = Monday)."""

    weekday: int
    starts_at: datetime.time
    ends_at: datetime.time

    def __str__(self) -> str:
        day = WEEKDAY_NAMES.get(self.weekday, f"day {self.weekday}")
        return f"{day} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    def overlaps(self, other: WeeklyInterval) -> bool:
        return (
            self.weekday == other.weekday
            and self.starts_at < other.ends_at
            and other.starts_at < self.ends_at
        )


def weekly_intervals_check(
    intervals: Sequence[WeeklyInterval],
    *,
    others: Iterable[WeeklyInterval] = (),
    others_label: str = "",
) -> list[ValidationError]:
    """Errors (HOURS_INVALID, HOURS_OVERLAP) of a whole week of intervals: each one
    well formed, none overlapping another, nor any of `others` (intervals kept
    elsewhere that the new week must not collide with, described by `others_label`)."""
    if len(intervals) > MAX_INTERVALS:
        return [
            field_error(LocationErrorCode.HOURS_INVALID, f"Give at most {MAX_INTERVALS} intervals.")
        ]
    others = list(others)
    errors: list[ValidationError] = []
    for interval in intervals:
        if interval.weekday not in WEEKDAY_NAMES:
            errors.append(
                field_error(
                    LocationErrorCode.HOURS_INVALID,
                    "A weekday is a number from 1 (Monday) to 7 (Sunday).",
                )
            )
        elif interval.starts_at.tzinfo is not None or interval.ends_at.tzinfo is not None:
            errors.append(
                field_error(
                    LocationErrorCode.HOURS_INVALID,
                    f"{interval}: give local times without a UTC offset.",
                )
            )
        elif interval.ends_at <= interval.starts_at:
            errors.append(
                field_error(
                    LocationErrorCode.HOURS_INVALID, f"{interval}: the end must be after the start."
                )
            )
    if errors:
        return errors
    ordered = sorted(intervals, key=lambda i: (i.weekday, i.starts_at))
    # Sorted by start, any overlap shows between neighbours.
    for before, after in pairwise(ordered):
        if before.overlaps(after):
            errors.append(
                field_error(LocationErrorCode.HOURS_OVERLAP, f"{after} overlaps {before}.")
            )
    for interval in ordered:
        clash = next((other for other in others if interval.overlaps(other)), None)
        if clash is not None:
            errors.append(
                field_error(
                    LocationErrorCode.HOURS_OVERLAP, f"{interval} overlaps {clash}{others_label}."
                )
            )
    return errors
