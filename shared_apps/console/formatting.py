"""How the console writes money, sizes and moments for people."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.timesince import timesince

# Symbols of the currencies the platform may bill in; any other is written
# with its code after the amount ("1,234.00 CHF").
_SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "cad": "CA$", "aud": "A$"}


def money(cents: int, currency: str = "usd") -> str:
    """$1,234.00 (cents are integers; never a float in between)."""
    sign = "-" if cents < 0 else ""
    units, rest = divmod(abs(int(cents)), 100)
    amount = f"{units:,}.{rest:02d}"
    symbol = _SYMBOLS.get(currency.lower())
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency.upper()}"


def money_short(cents: int, currency: str = "usd") -> str:
    """For chart axes: $950, $12.5k, $1.2M."""
    units = int(cents) / 100
    symbol = _SYMBOLS.get(currency.lower(), "")
    suffix = "" if symbol else f" {currency.upper()}"
    for limit, letter in ((1_000_000, "M"), (1_000, "k")):
        if abs(units) >= limit:
            text = f"{units / limit:.1f}".removesuffix(".0")
            return f"{symbol}{text}{letter}{suffix}"
    return f"{symbol}{units:,.0f}{suffix}"


def ago(moment: dt.datetime | None, *, now: dt.datetime | None = None) -> str:
    """Like "3 hours ago", or "just now"; "never" for None."""
    if moment is None:
        return "never"
    now = now or timezone.now()
    if now - moment < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, now, depth=1)} ago"


def exact(moment: dt.datetime | None) -> str:
    """The full moment in UTC, for a title attribute."""
    if moment is None:
        return ""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
