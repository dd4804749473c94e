"""Whether a waiting patient may be offered a slot: asked when the offer is
made (tenant_apps/messaging/waitlist.py) and again when its message goes
(tenant_apps/messaging/sending.py), since quiet hours may hold it for hours.
Still waiting, not archived, the slot still to come and in their dates and
windows, and the booking service's own planning accepting it for them
(provider's hours and credentials, rooms and devices, the time still free)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from tenant_apps.messaging.models import WaitlistEntry, WaitlistStatus
from tenant_apps.scheduling.services.planning import plan
from tenant_apps.staff.models import StaffProfile


def _in_windows(entry: WaitlistEntry, starts_at: dt.datetime) -> bool:
    local = starts_at.astimezone(ZoneInfo(entry.location.timezone))
    if not entry.earliest <= local.date() <= entry.latest:
        return False
    if not entry.windows:
        return True
    clock = local.time().replace(tzinfo=None)
    return any(
        local.weekday() in window["weekdays"]
        and dt.time.fromisoformat(window["from"]) <= clock < dt.time.fromisoformat(window["to"])
        for window in entry.windows
    )


def qualifies(
    entry: WaitlistEntry, *, provider: StaffProfile, starts_at: dt.datetime, now: dt.datetime
) -> bool:
    """Whether `entry` may be offered the slot now (see the module)."""
    if entry.status != WaitlistStatus.WAITING or starts_at <= now:
        return False
    if entry.client.archived_at is not None or not entry.service.is_active:
        return False
    if entry.provider_id is not None and entry.provider_id != provider.pk:
        return False
    if not _in_windows(entry, starts_at):
        return False
    try:
        plan(
            location=entry.location,
            services=[entry.service],
            provider=provider,
            starts_at=starts_at,
            online=False,
            now=now,
        )
    except ValidationError:
        return False
    return True
