"""Loading only the columns a query reads.

A list resolver knows what the query selects below each row. `projection`
turns that selection into the arguments of `QuerySet.only()` and
`select_related()`, so a page of 100 appointments does not build and decode
every column of every joined row (on the day schedule that was half of the
ORM's time, and a third of the SQL's).

How a selected field of a DjangoObjectType maps to what it reads:
- `id`, `__typename`: the primary key, which is always loaded;
- a field the type declares in `column_reads`, a dictionary of field name to
  model lookups (`{"display_name": ("preferred_name", "first_name",
  "last_name")}`, `{"kind": ("resource_type__kind",)}`): those lookups. A
  lookup through a relation joins it; a lookup ending on a forward relation
  joins it and projects it by the field's own selection. `()` reads nothing of
  the row (a relation the caller prefetches by primary key);
- a model field graphene resolves by reading the attribute of its name (no
  resolver of the type's own): that column, or for a foreign key whose GraphQL
  type is a DjangoObjectType of the related model, the join, projected by the
  field's selection in turn;
- anything else (a resolver not declared, a property, a reverse relation):
  unknown, so `projection` answers None and the caller loads whole rows.

Every foreign key column of a projected model is loaded whatever the selection
(integers, cheap to decode), so code reading `client_id` never costs a query.
A lookup left out of a declaration is not an error, only slow: Django loads a
deferred column with one query per row, which the query-count tests catch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import graphene
from django.db import models
from graphene.utils.str_converters import to_camel_case
from graphene_django import DjangoObjectType
from graphene_django.converter import BlankValueField, EnumValueField
from graphql import FieldNode

from core.graphql.selection import child_fields

# Field classes whose resolver reads the attribute of the field's name (graphene-
# django's two only map "" to null and choices to their value).
_ATTRIBUTE_FIELDS = (graphene.Field, BlankValueField, EnumValueField)


@dataclass
class Projection:
    """Arguments for `QuerySet.only(*only)` and `QuerySet.select_related(*joins)`."""

    only: set[str] = field(default_factory=set)
    joins: set[str] = field(default_factory=set)


def projection(
    graphene_type: type[DjangoObjectType],
    nodes: Sequence[FieldNode],
    fragments: dict[str, Any],
    *,
    prefix: str = "",
) -> Projection | None:
    """What reading `nodes`' selections on rows of `graphene_type` needs, with
    every lookup under `prefix` (`"resource__"` for rows reached through a
    relation); None if some selected field is not known."""
    found = Projection()
    if _project(graphene_type, nodes, fragments, prefix, found):
        return found
    return None


def _project(
    graphene_type: type[DjangoObjectType],
    nodes: Sequence[FieldNode],
    fragments: dict[str, Any],
    prefix: str,
    found: Projection,
) -> bool:
    model: type[models.Model] = graphene_type._meta.model
    found.only.add(prefix + model._meta.pk.name)
    found.only.update(
        prefix + f.name for f in model._meta.concrete_fields if f.is_relation and f.many_to_one
    )
    names = _python_names(graphene_type)
    declared: dict[str, tuple[str, ...]] = getattr(graphene_type, "column_reads", {})
    for node in child_fields(nodes, fragments):
        name = node.name.value
        if name in ("id", "__typename"):
            continue
        python = names.get(name)
        if python is None:
            return False
        if python in declared:
            lookups: Iterable[str] = declared[python]
        elif _reads_attribute(graphene_type, python):
            lookups = (python,)
        else:
            return False
        for lookup in lookups:
            if not _add(graphene_type, python, model, lookup, node, fragments, prefix, found):
                return False
    return True


def _add(
    graphene_type: type[DjangoObjectType],
    python: str,
    model: type[models.Model],
    lookup: str,
    node: FieldNode,
    fragments: dict[str, Any],
    prefix: str,
    found: Projection,
) -> bool:
    *through, last = lookup.split("__")
    path = prefix
    for part in through:
        relation = _model_field(model, part)
        if relation is None or not _forward(relation):
            return False
        found.only.add(path + part)
        found.joins.add(path + part)
        path = f"{path}{part}__"
        model = relation.related_model
    target = _model_field(model, last)
    if target is None:
        return False
    if not target.is_relation:
        found.only.add(path + last)
        return True
    if not _forward(target):
        # A reverse or many-to-many relation: read by the row's primary key.
        return not through
    # A forward relation, projected by the field's own selection.
    related = _graphene_type_of(graphene_type, python)
    if related is None or related._meta.model is not target.related_model or through:
        return False
    found.only.add(path + last)
    found.joins.add(path + last)
    return _project(related, [node], fragments, f"{path}{last}__", found)


def _model_field(model: type[models.Model], name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a name that is not a field
        return None


def _forward(model_field: Any) -> bool:
    return bool(model_field.concrete and (model_field.many_to_one or model_field.one_to_one))


def _fields(graphene_type: type[DjangoObjectType]) -> dict[str, Any]:
    """The type's fields by Python name (graphene-django's relations resolved),
    worked out once per type."""
    fields = graphene_type.__dict__.get("_projection_fields")
    if fields is None:
        fields = {
            python: (mounted.get_type() if isinstance(mounted, graphene.Dynamic) else mounted)
            for python, mounted in graphene_type._meta.fields.items()
        }
        graphene_type._projection_fields = fields  # type: ignore[attr-defined]
    return fields


def _python_names(graphene_type: type[DjangoObjectType]) -> dict[str, str]:
    names = graphene_type.__dict__.get("_projection_names")
    if names is None:
        names = {
            (mounted.name or to_camel_case(python)): python
            for python, mounted in _fields(graphene_type).items()
            if mounted is not None
        }
        graphene_type._projection_names = names  # type: ignore[attr-defined]
    return names


def _reads_attribute(graphene_type: type[DjangoObjectType], python: str) -> bool:
    """Whether graphene resolves the field by reading the attribute of its name."""
    if getattr(graphene_type, f"resolve_{python}", None) is not None:
        return False
    mounted = _fields(graphene_type).get(python)
    if mounted is None or getattr(mounted, "resolver", None) is not None:
        return False
    if type(mounted) in _ATTRIBUTE_FIELDS:
        return True
    # graphene-django's foreign keys: a Field subclass that reads the attribute
    # unless the related type overrides get_queryset.
    related = _graphene_type_of(graphene_type, python)
    return (
        related is not None
        and type(mounted).__qualname__.endswith("CustomField")
        and related.get_queryset.__func__ is DjangoObjectType.get_queryset.__func__  # type: ignore[attr-defined]
    )


def _graphene_type_of(
    graphene_type: type[DjangoObjectType], python: str
) -> type[DjangoObjectType] | None:
    mounted = _fields(graphene_type).get(python)
    of_type = getattr(mounted, "type", None)
    while isinstance(of_type, graphene.NonNull | graphene.List):
        of_type = of_type.of_type
    if isinstance(of_type, type) and issubclass(of_type, DjangoObjectType):
        return of_type
    return None
