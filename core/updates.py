"""Partial updates: change the fields a caller gave, and only those.

The one way to write an update, in every app:

- the API passes the input fields that were given (`core/graphql/arguments.py`,
  `given_fields(input)`), as keyword arguments;
- the service takes them as `**changes: Unpack[<Entity>Changes]` (a TypedDict
  with total=False: no sentinel for "not given", and mypy checks the names and
  types), cleans each one given, collecting every error before raising;
- it applies the cleaned values with `apply_changes` and saves only the fields
  that changed (`save(update_fields=[*changed, "updated_at"])`), or nothing.

    def product_update(*, product_id: int, **changes: Unpack[ProductChanges]) -> Product:

(tenant_apps/catalog/services.py, tenant_apps/clients/services.py,
tenant_apps/profile/services.py, tenant_apps/staff/services.py,
tenant_apps/locations/services/.)
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
