"""Writes of the routes of replies (shared_apps/sms/models.py)."""

from __future__ import annotations

import datetime as dt

from shared_apps.sms.models import SmsRoute


def sms_route_record(*, phone: str, spa_id: int, at: dt.datetime) -> None:
    """Note that `spa_id` texted `phone` at `at`: one statement (INSERT ... ON
    CONFLICT DO UPDATE), so two sends to one number at once cannot collide."""
    SmsRoute.objects.bulk_create(
        [SmsRoute(phone=phone, spa_id=spa_id, last_sent_at=at)],
        update_conflicts=True,
        unique_fields=["phone", "spa"],
        update_fields=["last_sent_at"],
    )
