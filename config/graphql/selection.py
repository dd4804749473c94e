"""What a query selected: for planning prefetches only when a field is asked for."""

from __future__ import annotations

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


def selects(info: Any, *path: str) -> bool:
    """Whether the current field's selection reaches `path` (field names, as in
    the query: `selects(info, "edges", "node", "consentHistory")`)."""
    level = list(info.field_nodes)
    for name in path:
        level = [
            child
            for node in level
            for child in _fields(node.selection_set, info.fragments)
            if child.name.value == name
        ]
        if not level:
            return False
    return True
