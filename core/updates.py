"""Partial updates: change the fields a caller gave, and only those.

The API passes the input fields that were given (`core/graphql/arguments.py`,
`given_fields`); a service cleans them, then applies them with `apply_changes`
and saves only what changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models


def apply_changes(instance: models.Model, changes: Mapping[str, Any]) -> list[str]:
    """Set each of `changes` on `instance`; the names of the fields whose value
    actually changed, for `save(update_fields=...)` (empty: nothing to save)."""
    changed = []
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
