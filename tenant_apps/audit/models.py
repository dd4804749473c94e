"""The PHI access log: who read or changed which client records, and when.

One row per access event (a list page of 100 clients is one row listing 100
ids), in the spa's own schema. Rows never hold PHI values: only ids, the kind
of search terms, and who asked.

The database keeps the log honest (migration 0002):
- a trigger refuses UPDATE, DELETE and TRUNCATE, whoever the role;
- a trigger numbers each new row (`seq`, gap-free) and chains it to the one
  before: `hash = sha256(canonical text of the row, including prev_hash)`. Editing
  any row breaks the chain from there on, which `manage.py audit_verify` reports.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now


class AuditAction(models.TextChoices):
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    ARCHIVE = "archive", "Archived"
    RESTORE = "restore", "Restored"
    MERGE = "merge", "Merged"
    # Writes of a client's appointments (part of their record).
    BOOK = "book", "Booked an appointment"
    RESCHEDULE = "reschedule", "Rescheduled an appointment"
    APPOINTMENT_STATUS = "appt_status", "Changed an appointment's status"
    # Platform support started or ended using a member's access from the console
    # (no client concerned; the actor is `imp:<staff user id>:<role>`, see
    # services.impersonation_role). Short values: the column holds 16 characters.
    IMPERSONATION_START = "imp_start", "Platform support started impersonating a member"
    IMPERSONATION_END = "imp_end", "Platform support ended an impersonation"


class SearchKind(models.TextChoices):
    """What kind of terms a search used: never the terms themselves."""

    NONE = "", "Not a search"
    NAME = "name", "Name"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    # Set by the chain trigger under a per-schema lock: 1, 2, 3, ... in commit order.
    seq = models.BigIntegerField(unique=True, editable=False)
    # Set by the trigger from the database clock; the application cannot backdate.
    occurred_at = models.DateTimeField(db_default=Now(), editable=False)
    # The public user id (docs/ARCHITECTURE.md section 2: no foreign key leaves the schema);
    # null for the system (imports, the demo command).
    actor_user_id = models.BigIntegerField(null=True)
    actor_role = models.CharField(max_length=32)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    client_ids = ArrayField(models.BigIntegerField(), default=list)
    search_kind = models.CharField(max_length=8, choices=SearchKind.choices, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    class Meta:
        ordering = ["seq"]
        indexes = [GinIndex(fields=["client_ids"], name="auditentry_client_ids")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=AuditAction.values), name="auditentry_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(search_kind__in=SearchKind.values), name="auditentry_search_kind_valid"
            ),
        ]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"audit {self.seq}: {self.action}"
