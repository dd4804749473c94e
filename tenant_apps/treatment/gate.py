"""The treatment gate: an appointment is ready for check-in (and, with the
charting issue, the start of a chart) when every form its services require is
on file and still counts, and no required treatment consent was declined.
Otherwise it lists the blockers (form names only, nothing of the answers), and
only a manager's override with a reason lets it past (a GateOverride, audited).

The forms' states come from the forms app (tenant_apps/forms/outstanding_links.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.forms.models import FormKind
from tenant_apps.forms.outstanding_links import (
    DECLINED,
    EXPIRED,
    MISSING,
    appointments_form_states,
)
from tenant_apps.scheduling.models import Appointment
from tenant_apps.treatment.errors import TreatmentErrorCode
from tenant_apps.treatment.models import GateAction, GateOverride

# Most appointments `appointments_readiness` takes at once.
MAX_IDS = 200
MAX_REASON = 1000
FORM_MISSING = "FORM_MISSING"
FORM_EXPIRED = "FORM_EXPIRED"
FORM_DECLINED = "FORM_DECLINED"


@dataclass(frozen=True)
class Blocker:
    code: str  # FORM_MISSING, FORM_EXPIRED, FORM_DECLINED
    template_id: int
    template_name: str


@dataclass(frozen=True)
class Readiness:
    ready: bool
    blockers: list[Blocker] = field(default_factory=list)


def appointments_readiness(
    *, appointment_ids: Sequence[int], now: dt.datetime | None = None
) -> dict[int, Readiness]:
    """Each appointment's readiness (ids not found are left out), in a fixed
    number of queries whatever the count (at most MAX_IDS)."""
    if len(appointment_ids) > MAX_IDS:
        raise field_error(
            TreatmentErrorCode.TOO_MANY_IDS, f"Ask for at most {MAX_IDS} appointments.", "ids"
        )
    states = appointments_form_states(
        appointment_ids=list(dict.fromkeys(appointment_ids)), now=now or timezone.now()
    )
    result = {}
    for appointment_id, forms in states.items():
        blockers = []
        for form in forms:
            if form.state == MISSING:
                blockers.append(Blocker(FORM_MISSING, form.template_id, form.template_name))
            elif form.state == EXPIRED:
                blockers.append(Blocker(FORM_EXPIRED, form.template_id, form.template_name))
            elif form.state == DECLINED and form.kind == FormKind.CONSENT:
                # A declined photo consent only means no photos: not a blocker.
                blockers.append(Blocker(FORM_DECLINED, form.template_id, form.template_name))
        result[appointment_id] = Readiness(ready=not blockers, blockers=blockers)
    return result


def gate_check(
    *, appointment: Appointment, action: str, now: dt.datetime | None = None
) -> Readiness:
    """Whether `appointment` may pass the gate for `action` (GateAction)."""
    if action not in GateAction.values:
        raise ValueError(f"unknown gate action {action!r}")
    return appointments_readiness(appointment_ids=[appointment.pk], now=now).get(
        appointment.pk, Readiness(ready=True)
    )


def blocked_message(readiness: Readiness) -> str:
    names = ", ".join(dict.fromkeys(b.template_name for b in readiness.blockers))
    if _declined(readiness):
        return (
            f"Forms missing, expired or declined: {names}. A declined consent cannot be "
            "overridden: the patient must sign the consent again."
        )
    return f"Forms missing, expired or declined: {names}. A manager may override with a reason."


def _declined(readiness: Readiness) -> list[str]:
    return list(
        dict.fromkeys(b.template_name for b in readiness.blockers if b.code == FORM_DECLINED)
    )


def gate_override(
    *,
    actor: Actor,
    appointment: Appointment,
    action: str,
    readiness: Readiness,
    reason: str,
    now: dt.datetime | None = None,
) -> GateOverride:
    """Record a manager letting `appointment` past the gate, and audit it
    against the client (the caller checks the role and that it is blocked).
    A consent the patient declined is never overridden (CONSENT_DECLINED): a
    missing or lapsed form may be on paper at the desk, but a "no" is the
    patient's decision, changed only by their signing the consent again."""
    declined = _declined(readiness)
    if declined:
        raise field_error(
            TreatmentErrorCode.CONSENT_DECLINED,
            f"The patient declined {', '.join(declined)}; they must sign it again before "
            "treatment. No override can treat them against their decision.",
            "override_reason",
        )
    reason = (reason or "").strip()
    if not reason:
        raise field_error(
            TreatmentErrorCode.REASON_REQUIRED, "Give a reason for the override.", "override_reason"
        )
    if len(reason) > MAX_REASON:
        raise field_error(
            TreatmentErrorCode.TOO_LONG,
            f"A reason is at most {MAX_REASON} characters.",
            "override_reason",
        )
    assert actor.user_id is not None
    override = GateOverride.objects.create(
        appointment=appointment,
        action=action,
        reason=reason,
        blockers=[
            {"code": b.code, "template_id": b.template_id, "template_name": b.template_name}
            for b in readiness.blockers
        ],
        actor_user_id=actor.user_id,
        created_at=now or timezone.now(),
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[appointment.client_id])
    return override
