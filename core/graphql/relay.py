"""Relay global IDs that belong to one spa.

Each spa's tables have their own id sequences, so "Client 5" exists in many
spas. A global ID therefore names the spa as well as the type and the row:
an ID minted on one spa resolves to nothing on another, instead of to whatever
row happens to carry the same number there.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from graphene import relay

# Primary keys are bigints: a larger number is no row of ours, and PostgreSQL
# would refuse it as a parameter ("out of range") instead of finding nothing.
MAX_PK = 2**63 - 1


def _current_spa_id() -> int | None:
    # connections[...] rather than the `connection` proxy: one lookup less, on
    # a path that runs for every ID of every answer (460 on a day schedule).
    tenant = getattr(connections[DEFAULT_DB_ALIAS], "tenant", None)
    return getattr(tenant, "pk", None)


def to_global_id(type_name: str, pk: Any) -> str:
    raw = f"{type_name}:{_current_spa_id()}:{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def from_global_id(global_id: Any, type_name: str | None = None) -> tuple[str, int] | None:
    """(type name, primary key) if `global_id` is one of this spa's (and of
    `type_name`, when given); None for anything else, including IDs of other spas."""
    if not isinstance(global_id, str) or not global_id or len(global_id) > 200:
        return None
    try:
        raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    parts = raw.split(":")
    if len(parts) != 3 or not parts[2].isdigit() or not parts[2].isascii():
        return None
    found_type, spa_id, pk = parts
    if spa_id != str(_current_spa_id()) or (type_name is not None and found_type != type_name):
        return None
    if len(pk) > 19 or not 0 < int(pk) <= MAX_PK:
        return None
    return found_type, int(pk)


def pk_from_global_id(global_id: Any, type_name: str) -> int | None:
    decoded = from_global_id(global_id, type_name)
    return decoded[1] if decoded else None


class SpaNode(relay.Node):
    """An object with an ID that is global across types, and bound to this spa."""

    class Meta:
        name = "Node"

    @classmethod
    def to_global_id(cls, type_: str, id: Any) -> str:
        return to_global_id(type_, id)

    @classmethod
    def get_node_from_global_id(cls, info: Any, global_id: str, only_type: Any = None) -> Any:
        decoded = from_global_id(global_id)
        if decoded is None:
            return None
        type_name, pk = decoded
        named = info.schema.get_type(type_name)
        graphene_type = getattr(named, "graphene_type", None)
        if graphene_type is None or cls not in getattr(graphene_type._meta, "interfaces", ()):
            return None
        if only_type is not None and graphene_type is not only_type:
            return None
        get_node = getattr(graphene_type, "get_node", None)
        return get_node(info, pk) if get_node is not None else None
