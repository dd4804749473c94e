"""Schemathesis (GraphQL mode) against the spa API of a live server: every root
field and mutation, with arguments it makes up, until each has had
--max-examples cases or the run has lasted --max-seconds.

    .venv/bin/python bench/fuzz_api.py [--max-examples 100] [--max-seconds 600]
                                       [--workers 2] [--seed 17]

It migrates a throw-away cluster (config/settings/bench.py), provisions the
"frontdesk" spa with its calendar (bench/_frontdesk.py) and signs its owner in
(a bearer token), then starts gunicorn as production runs it
(platform/gunicorn.conf.py, config.settings.prod, on 127.0.0.1; bench/load.py's
server) and sends schemathesis' cases to the spa's host. The schema is read
from the code (production answers no introspection). IDs are mostly the spa's
own records' (so cases reach past "not found"), else any text; dates include
the calendar's edges (years 1 and 9999).

A server error is an HTTP 5xx, or an `INTERNAL_ERROR` in the answer's errors
(a crash the API masked). It prints, per operation and in all, how many cases
were sent and how many were server errors, the first few failing documents,
and how long the run took. Target (issue 17): zero server errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _django import setup
from _frontdesk import frontdesk
from load import free_port, start_server, stop_server

SHOWN_FAILURES = 5


def known_ids(spa: Any) -> list[str]:
    """The global ID of one of the spa's records of each kind the API reads."""
    from django_tenants.utils import tenant_context

    from core.graphql.relay import to_global_id
    from tenant_apps.catalog.models import Service, ServiceCategory
    from tenant_apps.clients.models import Client
    from tenant_apps.locations.models import Location, Resource
    from tenant_apps.scheduling.models import Appointment
    from tenant_apps.staff.models import StaffProfile, TimeOff

    ids = []
    with tenant_context(spa):
        for type_name, model in (
            ("Location", Location),
            ("Resource", Resource),
            ("Service", Service),
            ("ServiceCategory", ServiceCategory),
            ("StaffMember", StaffProfile),
            ("Client", Client),
            ("Appointment", Appointment),
            ("TimeOff", TimeOff),
        ):
            pk = model.objects.order_by("pk").values_list("pk", flat=True).first()
            if pk is not None:
                ids.append(to_global_id(type_name, pk))
    return ids


def fresh_token(spa: Any) -> str:
    from shared_apps.accounts.models import Membership
    from shared_apps.accounts.services.tokens import token_issue

    owner = Membership.objects.get(spa=spa, role="owner")
    if not owner.is_active:
        owner.is_active = True
        owner.save(update_fields=["is_active"])
    return token_issue(membership=owner).secret


def register_scalars(ids: list[str]) -> None:
    import schemathesis
    from hypothesis import strategies as st
    from schemathesis.graphql import nodes

    dates = st.sampled_from([dt.date.min, dt.date.max]) | st.dates()
    moments = st.sampled_from(
        [dt.datetime.min.replace(tzinfo=dt.UTC), dt.datetime.max.replace(tzinfo=dt.UTC)]
    ) | st.datetimes(timezones=st.just(dt.UTC))
    schemathesis.graphql.scalar("Date", dates.map(lambda day: nodes.String(day.isoformat())))
    schemathesis.graphql.scalar(
        "DateTime", moments.map(lambda moment: nodes.String(moment.isoformat()))
    )
    schemathesis.graphql.scalar("Time", st.times().map(lambda t: nodes.String(t.isoformat())))
    # Mostly the spa's records (three draws in four), else any text.
    real = st.sampled_from(ids)
    schemathesis.graphql.scalar("ID", st.one_of(real, real, real, st.text()).map(nodes.String))
    # Half the integers in a page's range (`first`, `last`: 1 to 100), so lists
    # are read rather than refused, the other half anything.
    schemathesis.graphql.scalar(
        "Int", st.one_of(st.integers(1, 100), st.integers(-(2**31), 2**31 - 1)).map(nodes.Int)
    )


def answer_codes(body: bytes) -> list[str]:
    try:
        answer = json.loads(body)
    except ValueError:
        return ["(not JSON)"]
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if not errors:
        return ["(no error)"]
    return [str((error.get("extensions") or {}).get("code")) for error in errors]


def crashed(status: int, body: bytes) -> bool:
    if status >= 500:
        return True
    try:
        answer = json.loads(body)
    except ValueError:
        return False
    errors = answer.get("errors") if isinstance(answer, dict) else None
    return any(
        isinstance(error, dict) and (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR"
        for error in errors or []
    )


@dataclass
class Run:
    """The cases sent so far, by operation, and what came back."""

    url: str
    headers: dict[str, str]
    session: Any
    deadline: float  # seconds from the start
    started: float = field(default_factory=time.monotonic)
    sent: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)  # the answers' error codes
    shown: list[str] = field(default_factory=list)

    def out_of_time(self) -> bool:
        return time.monotonic() - self.started > self.deadline

    def fuzz(self, operation: Any, *, max_examples: int, seed_value: int) -> None:
        from hypothesis import HealthCheck, given, seed, settings
        from hypothesis.errors import HypothesisException

        name = operation.label

        @seed(seed_value)
        @settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def send(case: Any) -> None:
            if not self.out_of_time():
                self.send(name, case.body)

        try:
            send()
        except HypothesisException as exc:  # e.g. nothing could be generated
            print(f"  {name}: not fuzzed ({type(exc).__name__}: {exc})")

    def send(self, name: str, document: Any) -> None:
        body = {"query": document} if isinstance(document, str) else document
        response = self.session.post(self.url, json=body, headers=self.headers, timeout=60)
        self.sent[name] += 1
        self.codes.update(answer_codes(response.content))
        if crashed(response.status_code, response.content):
            self.failed[name] += 1
            if len(self.shown) < SHOWN_FAILURES:
                self.shown.append(f"{name}: {response.status_code} {body}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=100, help="cases per operation")
    parser.add_argument("--max-seconds", type=float, default=600, help="wall-clock cap")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()

    setup()
    import requests
    import schemathesis
    from graphql import get_introspection_query, graphql_sync
    from schemathesis.core.result import Ok

    from config.schema_tenant import schema as tenant_schema

    desk = frontdesk()
    register_scalars(known_ids(desk.spa))
    introspection = graphql_sync(tenant_schema.graphql_schema, get_introspection_query()).data
    assert introspection is not None
    api = schemathesis.graphql.from_dict(introspection)

    port = free_port()
    # Production refuses to keep mail on the machine; an SMTP server that is not
    # there refuses connections at once (the invitations a case sends).
    os.environ.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(free_port()),
        EMAIL_TIMEOUT="2",
    )
    log = Path(tempfile.mkdtemp(prefix="fuzz-api-")) / "gunicorn.log"
    server = start_server(port, args.workers, log)
    url = f"http://127.0.0.1:{port}/graphql/"
    headers = {
        "Host": desk.host,
        "Authorization": f"Bearer {desk.token}",
        "X-Forwarded-Proto": "https",  # as the TLS proxy says; else a redirect
    }
    run = Run(url=url, headers=headers, session=requests.Session(), deadline=args.max_seconds)
    stopped = False
    try:
        for result in api.get_all_operations():
            if run.out_of_time():
                stopped = True
                break
            # A fresh token per operation: `logout`, `deactivateMember` and the
            # like may have revoked the last one.
            headers["Authorization"] = f"Bearer {fresh_token(desk.spa)}"
            if not isinstance(result, Ok):
                print(f"  not fuzzed: {result.err()}")
                continue
            run.fuzz(result.ok(), max_examples=args.max_examples, seed_value=args.seed)
    finally:
        stop_server(server)
    sent, failed, codes, shown = run.sent, run.failed, run.codes, run.shown
    out_of_time = stopped or run.out_of_time()
    elapsed = time.monotonic() - run.started

    for name in sorted(sent):
        mark = f"  {failed[name]} server errors" if failed[name] else ""
        print(f"  {name:<45} {sent[name]:>5} cases{mark}")
    print("  answers by error code: " + ", ".join(f"{c} {n}" for c, n in codes.most_common()))
    for failure in shown:
        print(f"FAILED {failure}")
    print(
        f"schemathesis {schemathesis.__version__} (GraphQL mode), spa API on gunicorn "
        f"(config.settings.prod, {args.workers} workers): {len(sent)} operations, "
        f"{sum(sent.values())} cases in {elapsed:.0f} s, {sum(failed.values())} server errors"
        f"{' (stopped at --max-seconds)' if out_of_time else ''}; gunicorn log: {log}"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
