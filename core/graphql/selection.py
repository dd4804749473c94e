"""What a query selected: for planning prefetches (and the columns to load,
core/graphql/projection.py) only when a field is asked for."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode


def _fields(selection_set: SelectionSetNode | None, fragments: dict[str, Any]) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found += _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
            found += _fields(fragments[selection.name.value].selection_set, fragments)
    return found


def child_fields(nodes: Iterable[FieldNode], fragments: dict[str, Any]) -> list[FieldNode]:
    """The fields `nodes` select, through fragments."""
    return [child for node in nodes for child in _fields(node.selection_set, fragments)]


def selected(info: Any, *path: str) -> list[FieldNode]:
    """The field nodes at `path` below the current field (field names, as in the
    query: `selected(info, "edges", "node")`); empty if the query does not reach it."""
    level = list(info.field_nodes)
    for name in path:
        level = [child for child in child_fields(level, info.fragments) if child.name.value == name]
        if not level:
            break
    return level


def selects(info: Any, *path: str) -> bool:
    """Whether the current field's selection reaches `path` (field names, as in
    the query: `selects(info, "edges", "node", "consentHistory")`)."""
    return bool(selected(info, *path))
