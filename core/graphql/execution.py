"""graphql-core's execution with less work per field, for synchronous requests.

graphql-core spends a few microseconds on every field it resolves, whatever the
resolver does: it looks the field up, wraps the resolver in middleware, checks
every value for an awaitable, and completes a scalar through four type tests.
A day schedule of 100 appointments resolves about 2,100 fields and 700 objects,
so that overhead was a third of the request's time. `PlatformExecutionContext`
does the same work with less of it, when nothing can be awaited (`execute_sync`):

- a field's definition, resolver (with its middleware) and kind of completion
  are worked out once per request and field of the document, not once per row;
- arguments are read only for fields that have some;
- a scalar or enum is serialised straight away; a null, an error or a value the
  scalar refuses takes graphql-core's own path, so its errors read the same;
- graphene-django's `is_type_of` (a check of the value's model) runs once per
  type and model class, not once per object: its answer depends on nothing else.

Anything asynchronous (an `execute` with an event loop) runs graphql-core's code
unchanged. Results, errors and their paths are graphql-core's; the tests of the
whole API run through this class, and tests/core/graphql/test_execution.py
compares it with graphql-core's own execution.

It overrides graphql-core internals, so it is tied to the release it was written
against (`WRITTEN_FOR_GRAPHQL_CORE`; a test fails when graphql-core moves). The
setting GRAPHQL_FAST_EXECUTION=False switches it off: graphql-core's own
`ExecutionContext` runs instead, and the API answers the same.

Object observers (`ObjectObserver`, the view's `object_observers`) are called
for every object of their class whose fields are resolved, with either engine:
the PHI read log (tenant_apps/audit/services.py) is one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, ClassVar

from graphene_django import DjangoObjectType
from graphql import (
    ExecutionContext,
    FieldNode,
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLScalarType,
    Undefined,
    located_error,
)
from graphql.execution.execute import (
    assume_not_awaitable,
    get_field_def,
    invalid_return_type_error,
)
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path

# The graphql-core release the overrides below were read against (pyproject pins
# it); tests/core/graphql/test_execution.py fails when graphql-core moves.
WRITTEN_FOR_GRAPHQL_CORE = "3.2.14"

# Called with (the context value: the request, the object, its path) for each
# object of the class it watches whose fields are resolved.
ObjectObserver = Callable[[Any, Any, Path], None]

# graphene-django's is_type_of: a function of the value's class alone.
_MODEL_CHECK = DjangoObjectType.is_type_of.__func__  # type: ignore[attr-defined]


class PlatformExecutionContext(ExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync = self.is_awaitable is assume_not_awaitable
        # (parent type, field node id) -> (definition, resolver, type, has args, serialize)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[Any, ...]] = {}
        # (object type, value class) pairs graphene-django's is_type_of accepted
        self._checked: set[tuple[GraphQLObjectType, type]] = set()

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        if not self._sync:
            return super().execute_fields(parent_type, source_value, path, fields)
        results = {}
        type_name = parent_type.name
        execute_field = self.execute_field
        for response_name, field_nodes in fields.items():
            result = execute_field(
                parent_type, source_value, field_nodes, Path(path, response_name, type_name)
            )
            if result is not Undefined:
                results[response_name] = result
        return results

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_nodes: list[FieldNode],
        path: Path,
    ) -> Any:
        if not self._sync:
            return super().execute_field(parent_type, source, field_nodes, path)
        key = (parent_type, id(field_nodes[0]))
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plan(parent_type, field_nodes[0])
            if plan is None:
                return Undefined
            self._plans[key] = plan
        field_def, resolve_fn, return_type, has_args, serialize = plan
        info = self.build_resolve_info(field_def, field_nodes, parent_type, path)
        try:
            args = (
                get_argument_values(field_def, field_nodes[0], self.variable_values)
                if has_args
                else {}
            )
            result = resolve_fn(source, info, **args)
            if (
                serialize is not None
                and result is not None
                and result is not Undefined
                and not isinstance(result, Exception)
            ):
                serialized = serialize(result)
                if serialized is not None and serialized is not Undefined:
                    return serialized
            return self.complete_value(return_type, field_nodes, info, path, result)
        except Exception as raw_error:
            error = located_error(raw_error, field_nodes, path.as_list())
            self.handle_field_error(error, return_type, path)
            return None

    def _plan(
        self, parent_type: GraphQLObjectType, field_node: FieldNode
    ) -> tuple[Any, ...] | None:
        field_def = get_field_def(self.schema, parent_type, field_node)
        if not field_def:
            return None
        resolve_fn = field_def.resolve or self.field_resolver
        if self.middleware_manager:
            resolve_fn = self.middleware_manager.get_field_resolver(resolve_fn)
        return_type = field_def.type
        named = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        serialize = (
            named.serialize if isinstance(named, GraphQLScalarType | GraphQLEnumType) else None
        )
        return field_def, resolve_fn, return_type, bool(field_def.args), serialize

    def complete_object_value(
        self,
        return_type: GraphQLObjectType,
        field_nodes: list[FieldNode],
        info: GraphQLResolveInfo,
        path: Path,
        result: Any,
    ) -> Any:
        is_type_of = return_type.is_type_of
        if not self._sync or getattr(is_type_of, "__func__", None) is not _MODEL_CHECK:
            return super().complete_object_value(return_type, field_nodes, info, path, result)
        key = (return_type, result.__class__)
        if key not in self._checked:
            if not is_type_of(result, info):  # type: ignore[misc]
                raise invalid_return_type_error(return_type, result, field_nodes)
            self._checked.add(key)
        sub_field_nodes = self.collect_subfields(return_type, field_nodes)
        return self.execute_fields(return_type, result, path, sub_field_nodes)


class _Observed(ExecutionContext):
    """An execution calling `observers[type(object)]` for each object whose
    fields are resolved (on top of either engine: `execution_context_class`).

    graphql-core resolves an object's selected fields in `execute_fields`, once
    per object whatever the path to it, so the call is made there: once per
    object, not once per field as a GraphQL middleware would (which also wraps
    every resolver call; on a 100-appointment day schedule, 2,100 fields).
    The root (path None) is no object of the schema's and is not observed.
    """

    observers: ClassVar[Mapping[type, ObjectObserver]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        fields: dict[str, list[FieldNode]],
    ) -> Any:
        observe = self.observers.get(type(source_value))
        if observe is not None and fields and path is not None:
            observe(self.context_value, source_value, path)
        return super().execute_fields(parent_type, source_value, path, fields)


@cache
def execution_context_class(
    *, fast: bool, observers: tuple[tuple[type, ObjectObserver], ...] = ()
) -> type[ExecutionContext]:
    """The execution context for a request: the fast engine or graphql-core's own
    (GRAPHQL_FAST_EXECUTION), calling `observers` ((class, observer) pairs), made
    once per combination."""
    engine: type[ExecutionContext] = PlatformExecutionContext if fast else ExecutionContext
    if not observers:
        return engine
    return type(f"Observed{engine.__name__}", (_Observed, engine), {"observers": dict(observers)})
