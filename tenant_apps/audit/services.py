"""Writing the PHI access log.

Writes of client records are logged by the service that makes them, in its own
transaction (`audit_record`). Reads are collected while a GraphQL request runs
(`phi_read_observers`: the view calls them for every client object whose fields
are resolved, however it was reached, whichever execution engine runs)
and written together when execution ends (`audit_flush_reads`): a page of 100
clients is one row, one INSERT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from graphql.pyutils import Path

from core.graphql.execution import ObjectObserver
from core.http import client_ip
from tenant_apps.audit.models import AuditAction, AuditEntry, SearchKind

_READS = "_phi_reads"
_PURPOSES = "_phi_read_purposes"


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the audit log records them."""

    user_id: int | None
    role: str
    request_id: str = ""
    ip: str | None = None

    @classmethod
    def of_request(cls, request: HttpRequest) -> Actor:
        """The member the request's token belongs to; under a console
        impersonation (`request.impersonated_by`, set by the bearer token
        middleware) the role names the staff member too (`impersonation_role`)."""
        membership = getattr(request, "membership", None)
        user_id = getattr(membership, "user_id", None)
        role = getattr(membership, "role", None) or "anonymous"
        impersonator = getattr(request, "impersonated_by", None)
        if impersonator is not None and membership is not None:
            role = impersonation_role(staff_user_id=impersonator.pk, role=role)
        return cls(
            user_id=user_id,
            role=role,
            request_id=getattr(request, "request_id", ""),
            ip=client_ip(request),
        )

    @classmethod
    def system(cls, what: str) -> Actor:
        """A command or job acting on no one's behalf ("demo", "import")."""
        return cls(user_id=None, role=f"system:{what}"[:32])


IMPERSONATION_ROLE_PREFIX = "imp:"


def impersonation_role(*, staff_user_id: int, role: str) -> str:
    """How the log names an actor using a member's access through a console
    impersonation: `imp:<platform staff user id>:<member's role>`, beside
    `actor_user_id` = the member. So every read and write made with the token,
    and the `imp_start` / `imp_end` entries framing them, is attributable to the
    staff member without a column the hash chain would have to learn (the
    console's audit log has the same ids, the reason and the token id). Should
    the text outgrow the column, the role is dropped, never the staff id."""
    label = f"{IMPERSONATION_ROLE_PREFIX}{staff_user_id}:{role}"
    max_length = AuditEntry._meta.get_field("actor_role").max_length or 32
    return label if len(label) <= max_length else f"{IMPERSONATION_ROLE_PREFIX}{staff_user_id}"


def _entry(
    *, actor: Actor, action: str, client_ids: Iterable[int], search_kind: str = ""
) -> AuditEntry:
    return AuditEntry(
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        client_ids=sorted(set(client_ids)),
        search_kind=search_kind,
        request_id=actor.request_id,
        ip=actor.ip,
        # Filled by the chain trigger (models.py); the values here are placeholders.
        seq=0,
        prev_hash="",
        hash="",
    )


def audit_record(
    *, actor: Actor, action: AuditAction, client_ids: Iterable[int], search_kind: str = ""
) -> None:
    """Log a write (or a read outside GraphQL) now, in the caller's transaction."""
    _entry(actor=actor, action=action, client_ids=client_ids, search_kind=search_kind).save()


def audit_read_purpose(info: Any, action: AuditAction, search_kind: str = "") -> None:
    """Declare why a root field reads clients (a list, a search and its kind of
    terms); client reads below that field are logged under it. Reads under no
    declared purpose are logged as views."""
    request = info.context
    purposes = request.__dict__.setdefault(_PURPOSES, {})
    purposes[info.path.key] = (action, search_kind)


def phi_read_observers(subjects: dict[type, str]) -> dict[type, ObjectObserver]:
    """The view's object observers (core/graphql/execution.py) noting the client
    behind every object of the `subjects` models whose fields are resolved
    (model -> the attribute holding the client's id: `{Client: "pk",
    Appointment: "client_id"}`), under the root field it was reached from.

    The test for "was it read" is "were its fields resolved", so a client reached
    through any path (a list, a search, a node, an appointment's client) is
    logged, and one that was only counted is not. An appointment is part of its
    client's record: reading one logs that client even when the query never
    selects the client. The observers are called whichever execution engine
    runs (GRAPHQL_FAST_EXECUTION)."""
    return {model: _read_noter(attribute) for model, attribute in subjects.items()}


def _read_noter(attribute: str) -> ObjectObserver:
    def note(request: Any, value: Any, path: Path) -> None:
        root = path
        while root.prev is not None:
            root = root.prev
        reads = request.__dict__.setdefault(_READS, {})
        reads.setdefault(root.key, set()).add(getattr(value, attribute))

    return note


def audit_flush_reads(request: HttpRequest) -> None:
    """Write the reads collected during this request: one INSERT, one row per
    kind of access. Must succeed before the response leaves (the caller makes
    sure nothing is sent if it fails)."""
    reads: dict[str, set[int]] = request.__dict__.pop(_READS, {})
    purposes: dict[str, tuple[str, str]] = request.__dict__.pop(_PURPOSES, {})
    if not reads:
        return
    grouped: dict[tuple[str, str], set[int]] = {}
    for root_key, client_ids in reads.items():
        purpose = purposes.get(root_key, (AuditAction.VIEW, SearchKind.NONE))
        grouped.setdefault(purpose, set()).update(client_ids)
    actor = Actor.of_request(request)
    entries = [
        _entry(actor=actor, action=action, client_ids=ids, search_kind=kind)
        for (action, kind), ids in sorted(grouped.items())
    ]
    if len(entries) == 1:
        entries[0].save()  # one statement (bulk_create would add BEGIN and COMMIT)
    else:
        AuditEntry.objects.bulk_create(entries)
