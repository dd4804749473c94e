"""How far a spa's provisioning got, read back from the database (the console's
provisioning page).

Nothing here is remembered by the request that provisions: every step is read
from what it leaves behind, so the page tells the truth after a crash, in
another staff member's browser, or while another process is still working:

1. registered: the spa's row (and subdomain) exist;
2. schema built: its schema exists with every migration this code has;
3. owner and subscription: the owner's membership and the subscription exist
   (written in the transaction that opens the spa, so they appear with step 4);
4. open: the spa left `provisioning`.

A spa still in `provisioning` is *running* while some process holds its
provisioning advisory lock (tenants.provisioning.spa_provision takes it for
steps 2 to 4), and *stalled* otherwise: the first step not done then failed, and the
page offers resume and cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django_tenants.utils import schema_exists

from shared_apps.accounts.models import Membership, Role
from shared_apps.billing.models import Subscription
from tenants.locks import lock_key
from tenants.models import Spa, SpaStatus, SpaStatusChange
from tenants.schema_template import code_migrations

DONE, RUNNING, FAILED, PENDING = "done", "running", "failed", "pending"


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # done, running, failed, pending (the CSS classes of ul.steps)
    at: datetime | None = None
    note: str = ""
    after: float | None = None  # seconds since registration


@dataclass(frozen=True)
class Progress:
    spa: Spa
    steps: list[Step]
    running: bool
    opened_at: datetime | None
    subscription: Subscription | None

    @property
    def open(self) -> bool:
        return self.spa.status != SpaStatus.PROVISIONING

    @property
    def stalled(self) -> bool:
        """Left in provisioning by a failure or a crash: resume or cancel it."""
        return not self.open and not self.running

    @property
    def finished(self) -> bool:
        """Nothing more will change on its own (the page stops polling)."""
        return not self.running

    @property
    def seconds(self) -> float | None:
        """From registration to opening."""
        if self.opened_at is None:
            return None
        return (self.opened_at - self.spa.created_at).total_seconds()


def _provisioning_locked(spa: Spa) -> bool:
    """Whether a process holds `spa-provision:<id>` (pg_locks shows a bigint
    advisory key as its high and low 32 bits, objsubid 1)."""
    key = lock_key(f"spa-provision:{spa.pk}") & 0xFFFFFFFFFFFFFFFF
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT EXISTS (
                SELECT 1 FROM pg_locks
                WHERE locktype = 'advisory' AND granted AND objsubid = 1
                  AND classid::bigint = %s AND objid::bigint = %s
                  AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            )
            """,
            [key >> 32, key & 0xFFFFFFFF],
        )
        (locked,) = cursor.fetchone()
    return bool(locked)


def _schema_complete(spa: Spa) -> bool:
    if not schema_exists(spa.schema_name):
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [f'"{spa.schema_name}".django_migrations'])
        (table,) = cursor.fetchone()
        if table is None:
            return False
        cursor.execute(f'SELECT app, name FROM "{spa.schema_name}".django_migrations')  # noqa: S608 (derived from the slug)
        applied = set(cursor.fetchall())
    return code_migrations() <= applied


def provision_progress(*, spa: Spa) -> Progress:
    """The steps of `spa`'s provisioning, each done, running, failed or pending."""
    spa.refresh_from_db()
    opened = spa.status != SpaStatus.PROVISIONING
    running = not opened and _provisioning_locked(spa)
    owner = (
        Membership.objects.filter(spa=spa, role=Role.OWNER, user__email=spa.owner_email)
        .only("created_at")
        .first()
    )
    subscription = Subscription.objects.select_related("plan").filter(spa=spa).first()
    opening = (
        SpaStatusChange.objects.filter(spa=spa, from_status=SpaStatus.PROVISIONING)
        .order_by("created_at")
        .first()
    )
    opened_at = (opening.created_at if opening else spa.status_changed_at) if opened else None

    reached = [
        True,
        opened or _schema_complete(spa),
        opened and owner is not None,
        opened,
    ]
    owner_note = ""
    if opened:
        if subscription is None:
            owner_note = "No subscription: made without one."
        else:
            owner_note = f"{subscription.plan.name}, {subscription.get_status_display().lower()}"
    labels = [
        ("Registered", spa.created_at, ""),
        ("Schema built", None, ""),
        ("Owner and subscription ready", owner.created_at if owner else None, owner_note),
        ("Open", opened_at, spa.get_status_display() if opened else ""),
    ]
    steps = []
    first_missing = True
    for done, (label, at, note) in zip(reached, labels, strict=True):
        if done:
            after = (at - spa.created_at).total_seconds() if at is not None else None
            steps.append(Step(label, DONE, at, note, after))
        elif first_missing:
            steps.append(Step(label, RUNNING if running else FAILED))
            first_missing = False
        else:
            steps.append(Step(label, PENDING))
    return Progress(
        spa=spa,
        steps=steps,
        running=running,
        opened_at=opened_at,
        subscription=subscription,
    )
