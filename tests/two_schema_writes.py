"""Every code path that writes public rows and spa rows in one transaction, found by the tests.

On a Citus coordinator a spa's tables live on a worker and the public tables on
the coordinator, so such a transaction commits on two nodes. It is atomic only
because the public tables are in Citus' metadata (tenants/citus.py,
`public_tables_register`), which makes Citus commit both by two-phase commit
(docs/adr/0007-citus-scale-out.md). This plugin keeps the list of such paths
honest, on plain PostgreSQL, in every test run:

- it watches every statement the tests' main connection sends, and notes, for
  each transaction the code under test opens, whether it wrote a public table,
  a spa table, or both;
- a transaction that writes both is put down to its code path: the outermost
  frame of the project's own apps on the stack (the service, mutation, view or
  command that the write came through);
- at the end of the run, a path missing from `KNOWN` below fails the run, with
  the paths to review and add; the ADR explains why each is safe.

Writes are INSERT, UPDATE and DELETE statements sent through Django's
connection, and Procrastinate's functions that defer, retry or cancel a job
(they write the public `procrastinate_jobs`). Raw `COPY` is not seen: the
restore loads a spa's rows in a transaction of its own, which writes no public
row.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

_APPOINTMENT_JOB = (
    "the appointment (spa) and the job that tells messaging of it (public procrastinate_jobs)"
)

# Code paths known to write public and spa rows in one transaction: what each writes.
KNOWN: dict[str, str] = {
    "shared_apps.accounts.graphql.mutations.AcceptInvitation.perform": (
        "the new member's user and membership (public) and, for a provider, their staff "
        "profile (spa)"
    ),
    "shared_apps.accounts.graphql.mutations.ChangeMemberRole.perform": (
        "the membership's role (public) and the staff profile that follows it (spa)"
    ),
    "shared_apps.accounts.services.impersonation.token_issue_impersonation": (
        "the support session's token (public) and its start in the spa's PHI audit log (spa)"
    ),
    "shared_apps.console.views.impersonation.impersonation_start": (
        "the console's audit entry (public) and the start in the spa's audit log (spa)"
    ),
    "shared_apps.console.views.impersonation.impersonation_end": (
        "the token revoked and the console's audit entry (public), the end in the spa's "
        "audit log (spa)"
    ),
    # Jobs are deferred in the transaction of the write that causes them
    # (docs/adr/0009-jobs-procrastinate.md): every change to an appointment.
    "tenant_apps.scheduling.services.booking.appointment_book": _APPOINTMENT_JOB,
    "tenant_apps.scheduling.services.changes.appointment_reschedule": _APPOINTMENT_JOB,
    "tenant_apps.scheduling.services.changes.appointment_set_status": _APPOINTMENT_JOB,
    "tenant_apps.scheduling.graphql.mutations.BookAppointment.perform": _APPOINTMENT_JOB,
    "tenant_apps.scheduling.graphql.mutations.RescheduleAppointment.perform": _APPOINTMENT_JOB,
    "tenant_apps.scheduling.graphql.mutations.CancelAppointment.perform": _APPOINTMENT_JOB,
    "tenant_apps.scheduling.graphql.mutations._StatusMutation.perform": _APPOINTMENT_JOB,
    "tenant_apps.online_booking.graphql.mutations.Book.perform": _APPOINTMENT_JOB,
    "tenant_apps.online_booking.graphql.mutations.Reschedule.perform": _APPOINTMENT_JOB,
    "tenant_apps.online_booking.graphql.mutations.Cancel.perform": _APPOINTMENT_JOB,
    "tenant_apps.online_booking.graphql.mutations.ClaimWaitlistOffer.perform": _APPOINTMENT_JOB,
    "tenant_apps.messaging.waitlist.waitlist_claim": _APPOINTMENT_JOB,
    "tenant_apps.forms.services.responses.form_response_record": (
        "a signed form response and its signature (spa) and the job rendering its PDF "
        "(public procrastinate_jobs), together"
    ),
    "tenant_apps.messaging.waitlist.waitlist_offer_expire": (
        "the offer expired and the next one made (spa), the next offer's job (public)"
    ),
    "tenant_apps.messaging.events.appointment_event": (
        "the messages an appointment's change calls for (spa) and their send jobs (public)"
    ),
    "tenant_apps.forms.document_tasks.render_signed_document": (
        "the signed PDF's file and SignedDocument, the patient's copy link and its email "
        "(spa), and the email's send job (public), together"
    ),
    "tenant_apps.forms.document_tasks.signed_document_create": (
        "the same as its job, render_signed_document, called outside a worker"
    ),
    "tenant_apps.messaging.sending.message_queue": (
        "a message, the outbox row (spa), and its send job (public), together"
    ),
    "tenant_apps.messaging.sending.message_send": (
        "the message's state (spa) and the number's route to this spa (public sms routes)"
    ),
    # Forms links (tenant_apps/forms): a link issued and its message queued
    # (spa) with the message's send job (public); a signed response (spa) with
    # its PDF job (public); a check-in through the treatment gate (spa) with
    # the appointment's jobs (public).
    "tenant_apps.forms.events.appointment_event": (
        "a forms link and its message (spa) and the message's send job (public)"
    ),
    "tenant_apps.forms.reminders.reminder_links": (
        "forms links and their messages (spa) and the messages' send jobs (public)"
    ),
    "tenant_apps.forms.graphql.links.SendFormsLink.perform": (
        "a forms link and its message (spa) and the message's send job (public)"
    ),
    "tenant_apps.forms.graphql.patient.SubmitFormResponse.perform": (
        "the signed response (spa) and the job that renders its PDF (public)"
    ),
    "tenant_apps.treatment.graphql.mutations.CheckInAppointment.perform": _APPOINTMENT_JOB,
    # The demo's seeding books its calendars through the booking service.
    "demo.calendar.seed_calendar": _APPOINTMENT_JOB,
    "demo.photos.seed_photos": (
        "the demo's photo consents (spa) and the jobs rendering their PDFs (public)"
    ),
    "demo.forms_signed.seed_signed_forms": (
        "the demo's signed responses (spa) and their PDF jobs (public)"
    ),
    "demo.management.commands.demo.Command.handle": _APPOINTMENT_JOB,
    "shared_apps.sms.views.inbound_sms": (
        "an opt-out or confirmation by text: the number's state (public) and the patient's "
        "consent or appointment (spa)"
    ),
}

_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:("?)(\w+)\1\.)?("?)(\w+)\3', re.IGNORECASE
)
# Procrastinate defers a job through its own function, which inserts into the
# public procrastinate_jobs table: a write to public as much as an INSERT is.
_PUBLIC_FUNCTION_WRITE = re.compile(r"\bprocrastinate_(?:defer|retry|cancel)\w*\(", re.IGNORECASE)
_APP_DIRS = ("shared_apps/", "tenant_apps/", "tenants/", "demo/")
_NOT_A_PATH = re.compile(r"(^|/)(middleware|tests?)(/|\.py$)")


class Tracker:
    def __init__(self) -> None:
        self.public_tables: set[str] = set()
        self.spa_tables: set[str] = set()
        self._open: dict[int, dict[str, Any]] = {}
        self.found: dict[str, set[str]] = defaultdict(set)  # path -> tests

    def classify_tables(self) -> None:
        from django.apps import apps
        from django.conf import settings

        tenant_apps = set(settings.TENANT_APPS)
        for model in apps.get_models(include_auto_created=True):
            config = apps.get_app_config(model._meta.app_label)
            target = self.spa_tables if config.name in tenant_apps else self.public_tables
            target.add(model._meta.db_table)

    def watch(self, execute, sql, params, many, context):
        match = _WRITE.match(sql) if isinstance(sql, str) else None
        if match:
            self._note(match.group(2), match.group(4), context["connection"])
        elif isinstance(sql, str) and _PUBLIC_FUNCTION_WRITE.search(sql):
            self._note("public", "procrastinate_jobs", context["connection"])
        return execute(sql, params, many, context)

    def _note(self, schema: str | None, table: str, connection: Any) -> None:
        blocks = [b for b in connection.atomic_blocks if not getattr(b, "_from_testcase", False)]
        if not blocks:
            return  # autocommit: one statement, one transaction
        if schema:
            kind = "public" if schema == "public" else "spa"
        elif table in self.public_tables:
            kind = "public"
        elif table in self.spa_tables:
            kind = "spa"
        else:
            kind = "public" if connection.schema_name == "public" else "spa"
        state = self._open.setdefault(id(blocks[0]), {"block": blocks[0], "kinds": set()})
        if state["block"] is not blocks[0]:  # an id reused by a later block
            state.update(block=blocks[0], kinds=set())
        state["kinds"].add(kind)
        if state["kinds"] == {"public", "spa"} and not state.get("path"):
            state["path"] = _code_path()
            self.found[state["path"]].add(_current_test)


def _code_path() -> str:
    """The outermost frame of the project's apps on the stack, as module.qualname
    (not a middleware's, nor a decorator's wrapper: the view or service inside)."""
    frame = sys._getframe(2)
    outermost = "?"
    while frame is not None:
        try:
            relative = Path(frame.f_code.co_filename).resolve().relative_to(ROOT).as_posix()
        except ValueError:
            relative = ""
        if (
            relative.startswith(_APP_DIRS)
            and not _NOT_A_PATH.search(relative)
            and "Middleware" not in frame.f_code.co_qualname
            and "<locals>" not in frame.f_code.co_qualname  # a decorator's wrapper
        ):
            module = relative.removesuffix(".py").replace("/", ".")
            outermost = f"{module}.{frame.f_code.co_qualname}"
        frame = frame.f_back  # type: ignore[assignment]
    return outermost


_tracker = Tracker()
_current_test = ""


@pytest.fixture(scope="session", autouse=True)
def _two_schema_writes() -> Any:
    from django.db import connection

    _tracker.classify_tables()
    connection.execute_wrappers.append(_tracker.watch)
    yield _tracker
    if _tracker.watch in connection.execute_wrappers:
        connection.execute_wrappers.remove(_tracker.watch)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    global _current_test
    _current_test = item.nodeid
    yield


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    unknown = {path: tests for path, tests in _tracker.found.items() if path not in KNOWN}
    if not unknown:
        return
    lines = [
        "",
        "Code paths writing public and spa rows in one transaction, not in "
        "tests/two_schema_writes.py KNOWN (review for Citus, docs/adr/0007-citus-scale-out.md):",
    ]
    for path, tests in sorted(unknown.items()):
        lines.append(f"  {path}   (e.g. {sorted(tests)[0]})")
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line("\n".join(lines), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
