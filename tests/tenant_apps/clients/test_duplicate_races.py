"""Duplicate detection under concurrency: creates of the same person at the same
moment, each on its own connection, leave one client."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.clients.services import DuplicateSuspected, client_create
from tenants.db import connection
from tenants.models import Spa
from tests.concurrency import at_once

RACERS = 30
DESK = Actor(user_id=1, role="front_desk")
BIRTHDAY = datetime.date(1990, 4, 2)

# What the racers share (one kind of identity each) and what differs between them.
SAME_EMAIL: Callable[[int], dict[str, Any]] = lambda n: {  # noqa: E731
    "first_name": f"Ava{n}",
    "email": "ava.stone@mail.example",
    "phone": f"+1212555{n:04}",
}
SAME_PHONE: Callable[[int], dict[str, Any]] = lambda n: {  # noqa: E731
    "first_name": f"Ava{n}",
    "email": f"ava{n}@mail.example",
    "phone": "+12125550142",
}
SAME_NAME_AND_BIRTHDAY: Callable[[int], dict[str, Any]] = lambda n: {  # noqa: E731
    # Case differs: the match ignores it.
    "first_name": "Ava" if n % 2 else "AVA",
    "last_name": "Stone",
    "date_of_birth": BIRTHDAY,
    "email": f"ava{n}@mail.example",
    "phone": f"+1212555{n:04}",
}


def race(
    spa: Spa, attempt: Callable[[int], Client]
) -> tuple[list[str], list[BaseException], set[int]]:
    """Run `attempt(n)` for every racer at once, each on its own connection to
    the spa; the outcomes are "created" or the refusal's codes, with the ids of
    the duplicates the refusals named."""

    def one(n: int) -> tuple[str, set[int]]:
        try:
            attempt(n)
            return "created", set()
        except DuplicateSuspected as exc:
            codes = ",".join(e.code or "" for e in exc.error_dict["__all__"])
            return codes, {c.pk for c in exc.payload["duplicates"]}
        except ValidationError as exc:
            return f"refused {exc}", set()

    results, failures = at_once(spa, RACERS, one)
    named = set().union(*(ids for _, ids in results))
    return [outcome for outcome, _ in results], failures, named


@pytest.mark.usefixtures("committing")
@pytest.mark.parametrize(
    "details",
    [SAME_EMAIL, SAME_PHONE, SAME_NAME_AND_BIRTHDAY],
    ids=["email", "phone", "name-and-birthday"],
)
def test_thirty_simultaneous_creates_of_one_person_leave_one_client(details):
    # given a spa with no clients
    spa = spa_provision(
        slug="client-race", name="Client Race", timezone_name="UTC", owner_email="o@race.example"
    )
    connection.set_tenant(spa)
    audit_before = AuditEntry.objects.count()
    connection.set_schema_to_public()

    # when thirty requests create the same person at once
    outcomes, failures, named = race(spa, lambda n: client_create(actor=DESK, **details(n)))

    # then one is created, twenty-nine are refused as duplicates of it, and only
    # the one write is in the PHI audit log (the refused ones rolled back)
    assert failures == []
    assert sorted(outcomes) == ["DUPLICATE_SUSPECTED"] * (RACERS - 1) + ["created"]
    connection.set_tenant(spa)
    created = Client.objects.get()
    assert named == {created.pk}
    assert AuditEntry.objects.count() == audit_before + 1
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).get().client_ids == [created.pk]
    connection.set_schema_to_public()


@pytest.mark.usefixtures("committing")
def test_simultaneous_creates_allowed_as_duplicates_are_all_made_and_audited():
    # given a spa with no clients
    spa = spa_provision(
        slug="client-race", name="Client Race", timezone_name="UTC", owner_email="o@race.example"
    )

    # when thirty requests create the same person at once, duplicates allowed
    outcomes, failures, _ = race(
        spa, lambda n: client_create(actor=DESK, allow_duplicate=True, **SAME_EMAIL(n))
    )

    # then the lock only orders them: all thirty are made, each write audited
    assert failures == []
    assert outcomes == ["created"] * RACERS
    connection.set_tenant(spa)
    assert Client.objects.count() == RACERS
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == RACERS
    connection.set_schema_to_public()
