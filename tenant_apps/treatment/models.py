"""The treatment gate's record: every time a manager let an appointment past
what the gate found missing (tenant_apps/treatment/gate.py), with the reason."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class GateAction(models.TextChoices):
    CHECK_IN = "check_in", "Check-in"
    CHART_START = "chart_start", "Start of a chart"


class GateOverride(models.Model):
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="gate_overrides"
    )
    action = models.CharField(max_length=12, choices=GateAction.choices)
    reason = models.TextField()
    # What the gate found missing, as shown to the manager (codes and form names).
    blockers = models.JSONField()
    actor_user_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=GateAction.values),
                name="treatment_gateoverride_action_valid",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="treatment_gateoverride_reason_given"
            ),
        ]

    def __str__(self) -> str:
        return f"GateOverride {self.pk} ({self.action})"
