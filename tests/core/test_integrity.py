"""violated_constraint: the declared name, from plain PostgreSQL's error or a Citus shard's."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import IntegrityError

from core.integrity import SHARD_SAFE_NAME_LENGTH, violated_constraint
from tenant_apps.catalog.services import _TAKEN
from tenant_apps.locations.services.resources import _NAME_UNIQUE
from tenant_apps.scheduling.services.planning import _OVERLAP_CONSTRAINTS


def _error(constraint: str | None, message: str | None = None) -> IntegrityError:
    driver_error = Exception("violation")
    driver_error.diag = SimpleNamespace(  # type: ignore[attr-defined]
        constraint_name=constraint, message_primary=message
    )
    error = IntegrityError("violation")
    error.__cause__ = driver_error
    return error


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ("appointment_provider_no_overlap", "appointment_provider_no_overlap"),  # PostgreSQL
        ("appointment_provider_no_overlap_102950", "appointment_provider_no_overlap"),  # a shard
        ("resourcebooking_no_overlap", "resourcebooking_no_overlap"),
        ("appointment_provider_no_overlap_x", None),
        ("some_other_constraint_102950", None),
        ("", None),
        (None, None),
    ],
)
def test_the_declared_name_is_found_with_or_without_a_shard_id(reported, expected):
    among = {"appointment_provider_no_overlap", "resourcebooking_no_overlap"}
    assert violated_constraint(_error(reported), among) == expected


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # What a Citus worker's error carries: the message, no constraint field.
        (
            'conflicting key value violates exclusion constraint "appointment_provider_no_overlap_102973"',
            "appointment_provider_no_overlap",
        ),
        (
            'duplicate key value violates unique constraint "resourcebooking_no_overlap"',
            "resourcebooking_no_overlap",
        ),
        ('duplicate key value violates unique constraint "django_migrations_pkey_102041"', None),
        ("something else entirely", None),
    ],
)
def test_without_the_constraint_field_the_name_is_read_from_the_message(message, expected):
    among = {"appointment_provider_no_overlap", "resourcebooking_no_overlap"}
    assert violated_constraint(_error(None, message), among) == expected


def test_an_error_without_diagnostics_names_nothing():
    assert violated_constraint(IntegrityError("no cause"), {"x"}) is None


def test_every_name_a_service_matches_on_leaves_room_for_a_shard_id():
    names = {*_OVERLAP_CONSTRAINTS, *_TAKEN, _NAME_UNIQUE}
    assert len(names) >= 5
    assert {name for name in names if len(name) > SHARD_SAFE_NAME_LENGTH} == set()
