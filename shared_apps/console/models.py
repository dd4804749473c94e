"""The console's own tables (public schema): the platform audit log.

Every console action, and every sign-in attempt, is one `ConsoleAuditEntry`:
who, what, which spa, when, from which address. The table is append-only in
the database (a trigger refuses UPDATE, DELETE and TRUNCATE; migration 0001),
so not even the console can rewrite its own history. It names the spa by id
and slug, and its author by id and email, rather than by foreign key: the log
outlives spas and accounts, and removing either must never have to touch it.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Now


class ConsoleAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in (password)"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in refused"
    VERIFY = "verify", "Second factor verified"
    VERIFY_FAILED = "verify_failed", "Second factor refused"
    SIGN_OUT = "sign_out", "Signed out"
    IDLE_SIGN_OUT = "idle_sign_out", "Signed out (idle)"
    PROVISION = "provision", "Provisioned a spa"
    SUSPEND = "suspend", "Suspended a spa"
    REACTIVATE = "reactivate", "Reactivated a spa"
    CHANGE_PLAN = "change_plan", "Changed a spa's plan"
    DOMAIN_ADD = "domain_add", "Added a custom domain"
    DOMAIN_VERIFY = "domain_verify", "Verified a custom domain"
    DOMAIN_REMOVE = "domain_remove", "Removed a custom domain"
    RESEND_INVITATION = "resend_invitation", "Resent the owner's invitation"
    IMPERSONATE = "impersonate", "Started impersonating a member"
    IMPERSONATE_END = "impersonate_end", "Ended an impersonation"
    USAGE_REFRESH = "usage_refresh", "Refreshed a spa's usage figures"
    WEBHOOK_REPLAY = "webhook_replay", "Replayed a Stripe event"
    JOB_RETRY = "job_retry", "Retried a background job"
    JOB_CANCEL = "job_cancel", "Cancelled a background job"


class ConsoleAuditEntry(models.Model):
    """One thing a person did (or tried) at the console. Never edited."""

    occurred_at = models.DateTimeField(db_default=Now(), editable=False)
    # The staff member (accounts.User id); null for a refused sign-in of an
    # address that is no account.
    actor_id = models.BigIntegerField(null=True, blank=True)
    # The address typed or the actor's email at the time (platform staff, not patients).
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=32, choices=ConsoleAction.choices)
    spa_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    spa_slug = models.CharField(max_length=63, blank=True)
    # Why, in the staff member's words (suspensions, impersonations, ...).
    reason = models.CharField(max_length=500, blank=True)
    # What exactly: ids and settings involved, never secrets or patient data.
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="consoleaudit_recent"),
            models.Index(fields=["spa_id", "-occurred_at"], name="consoleaudit_spa_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=ConsoleAction.values),
                name="consoleaudit_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"console audit {self.pk} ({self.action})"


class SpaUsage(models.Model):
    """A spa's usage figures, computed in the background (`console_usage`,
    hourly) rather than per page view: counting them means a query in each spa's
    schema, which a list of hundreds of spas cannot afford on every load."""

    spa = models.OneToOneField("tenants.Spa", on_delete=models.CASCADE, related_name="usage")
    clients = models.PositiveIntegerField(default=0)
    appointments_this_month = models.PositiveIntegerField(default=0)
    # pg_total_relation_size of every table in the spa's schema (with indexes and TOAST).
    schema_bytes = models.BigIntegerField(default=0)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"usage of spa {self.spa_id}"


class PlatformDay(models.Model):
    """The platform's figures at the end of one day (UTC): what the console's
    chart draws. Written by `console_metrics` (hourly: each run overwrites
    today's row, so a day keeps its last figures; it also backfills, see
    shared_apps/console/usage.py)."""

    day = models.DateField(unique=True)
    spas = models.PositiveIntegerField(help_text="Spas not closed (any other status).")
    active = models.PositiveIntegerField()
    trialing = models.PositiveIntegerField()
    past_due = models.PositiveIntegerField()
    suspended = models.PositiveIntegerField()
    # Monthly recurring revenue in cents, by currency ({"usd": 123400}).
    mrr_cents = models.JSONField(default=dict)
    # Backfilled days are reconstructed from status history with today's prices.
    estimated = models.BooleanField(default=False)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["day"]

    def __str__(self) -> str:
        return f"platform on {self.day}"
