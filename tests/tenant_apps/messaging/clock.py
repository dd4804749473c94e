"""Quiet hours follow the real clock when a job runs now: tests that need a
message to go at once put the patient where it is about noon."""

from __future__ import annotations

from django.utils import timezone


def noon_zone() -> str:
    """An IANA zone (Etc/GMT±N) where it is between 11:00 and 13:00 now."""
    offset = max(-12, min(14, 12 - timezone.now().hour))
    # Etc/GMT zones have their sign reversed: Etc/GMT-5 is UTC+5.
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
