"""The rules every message passes before it goes, as data and small functions:
quiet hours in the patient's time zone (federal, and stricter state windows),
reminder caps, and SMS length. `sending.py` applies them at send time.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# Hours a patient may be texted or emailed, local time, [start, end) in minutes
# since midnight, by weekday (Monday 0). Federal: 8 am to 9 pm every day.
# States with stricter windows, as data (a state missing here: federal only).
Window = tuple[int, int]
_H = 60
FEDERAL: Window = (8 * _H, 21 * _H)


def _every_day(window: Window) -> tuple[Window, ...]:
    return (window,) * 7


STATE_WINDOWS: dict[str, tuple[Window, ...]] = {
    **{state: _every_day((8 * _H, 20 * _H)) for state in ("FL", "OK", "MD", "MS", "NJ")},
    "CT": _every_day((9 * _H, 20 * _H)),
    # Rhode Island: 9 am to 6 pm on weekdays, 10 am to 5 pm at weekends.
    "RI": ((9 * _H, 18 * _H),) * 5 + ((10 * _H, 17 * _H),) * 2,
    # Texas: 9 am to 9 pm, Sundays from noon.
    "TX": ((9 * _H, 21 * _H),) * 6 + ((12 * _H, 21 * _H),),
}

# Appointment reminders per patient: one per local calendar day, three in any 7 days.
REMINDERS_PER_DAY = 1
REMINDERS_PER_WEEK = 3
# An SMS reminder must fit one segment: fewer than 160 characters.
SMS_REMINDER_LIMIT = 160


def window_for(state: str, weekday: int) -> Window:
    """The allowed window on `weekday` for a patient in `state` (two letters,
    any case; empty or unknown: federal), the stricter of federal and state."""
    start, end = FEDERAL
    state_window = STATE_WINDOWS.get(state.strip().upper())
    if state_window is not None:
        start = max(start, state_window[weekday][0])
        end = min(end, state_window[weekday][1])
    return start, end


def next_allowed(at: dt.datetime, *, timezone: str, state: str) -> dt.datetime:
    """`at` if a message may go then in the patient's zone and state, else the
    start of the next allowed window (aware, in UTC)."""
    zone = ZoneInfo(timezone)
    local = at.astimezone(zone)
    for days_ahead in range(8):
        day = local.date() + dt.timedelta(days=days_ahead)
        start, end = window_for(state, day.weekday())
        opens = dt.datetime.combine(day, dt.time(start // 60, start % 60), tzinfo=zone)
        closes = dt.datetime.combine(day, dt.time(end // 60, end % 60), tzinfo=zone)
        if days_ahead == 0 and opens <= local < closes:
            return at
        if local < opens:
            return opens.astimezone(dt.UTC)
    raise AssertionError("every week has an allowed window")  # pragma: no cover


def local_day_bounds(at: dt.datetime, *, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """The patient's local calendar day holding `at`, as UTC bounds."""
    zone = ZoneInfo(timezone)
    day = at.astimezone(zone).date()
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


# Each state's time zone, for a patient whose address names the state: the zone
# most of the state lives in (the panhandles and corners of a split state are
# taken for their state's main zone; the location's zone is used when the
# patient's state is not known).
STATE_ZONES: dict[str, str] = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": "America/New_York", "DE": "America/New_York", "DC": "America/New_York",
    "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/New_York",
    "LA": "America/Chicago", "ME": "America/New_York", "MD": "America/New_York",
    "MA": "America/New_York", "MI": "America/Detroit", "MN": "America/Chicago",
    "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York",
    "NJ": "America/New_York", "NM": "America/Denver", "NY": "America/New_York",
    "NC": "America/New_York", "ND": "America/Chicago", "OH": "America/New_York",
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": "America/New_York",
    "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver",
    "VT": "America/New_York", "VA": "America/New_York", "WA": "America/Los_Angeles",
    "WV": "America/New_York", "WI": "America/Chicago", "WY": "America/Denver",
    "PR": "America/Puerto_Rico",
}  # fmt: skip
