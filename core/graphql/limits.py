"""What a GraphQL document may cost, worked out once per distinct document.

Two checks, each linear in the size of the document however its fragments
spread one another (the endpoint caches the verdict per query text,
core/graphql/view.py):

- `fragment_errors`, before any validation rule: a spread of an unknown
  fragment, or fragments that spread themselves (directly or through others).
  graphql-core's rules would report both, but a rule that walks spreads
  (a depth limit, the booking API's root-field count) must never see them.
- `limit_errors`, after the spec's rules have accepted the document: its depth
  and its cost. Each fragment is measured once (memoised by name and by the
  page size in force where it is spread), so a document whose fragments each
  spread the next twice costs microseconds to measure instead of 2^N walks.

The cost of a field is 1 plus, for a field with a selection, the cost of that
selection times the number of objects it may return: a list field returns at
most the page size asked for above it (`first`/`last` on the field or on the
connection that holds it; a variable counts as the largest page allowed), or
`default_list_size` when nothing bounds it. Introspection fields (`__schema`,
`__type`) are not counted: introspection is off in production
(GRAPHQL_INTROSPECTION) and GraphiQL's own query must pass in development.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)

PAGE_ARGUMENTS = ("first", "last")


@dataclass(frozen=True)
class Limits:
    max_depth: int
    max_cost: int
    max_page_size: int
    default_list_size: int


def _validation_error(message: str, nodes: list, code: str) -> GraphQLError:
    return GraphQLError(message, nodes, extensions={"code": code})


def _spreads(selection_set: SelectionSetNode | None) -> list[FragmentSpreadNode]:
    """Every fragment spread in a selection set, through inline fragments and
    nested fields, without following the spreads themselves."""
    found: list[FragmentSpreadNode] = []
    pending = [selection_set] if selection_set is not None else []
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                found.append(selection)
            elif (
                isinstance(selection, FieldNode | InlineFragmentNode)
                and selection.selection_set is not None
            ):
                pending.append(selection.selection_set)
    return found


def fragment_errors(document: DocumentNode) -> list[GraphQLError]:
    """Spreads of unknown fragments and fragment cycles, found without recursion."""
    fragments: dict[str, FragmentDefinitionNode] = {}
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode):
            fragments.setdefault(definition.name.value, definition)
    errors: list[GraphQLError] = []
    spreads_of: dict[str, list[str]] = {}
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            continue
        names = []
        for spread in _spreads(definition.selection_set):
            name = spread.name.value
            if name not in fragments:
                errors.append(
                    _validation_error(
                        f"Unknown fragment '{name}'.", [spread], "GRAPHQL_VALIDATION_FAILED"
                    )
                )
            else:
                names.append(name)
        if isinstance(definition, FragmentDefinitionNode):
            spreads_of[definition.name.value] = names
    if errors:
        return errors
    # Depth-first search with an explicit stack: white (unseen), grey (on the
    # current path), black (done). A grey fragment met again closes a cycle.
    grey, black = set(), set()
    for start in spreads_of:
        if start in black:
            continue
        stack = [(start, iter(spreads_of[start]))]
        grey.add(start)
        while stack:
            name, successors = stack[-1]
            successor = next(successors, None)
            if successor is None:
                stack.pop()
                grey.discard(name)
                black.add(name)
            elif successor in grey:
                return [
                    _validation_error(
                        f"Cannot spread fragment '{successor}' within itself.",
                        [fragments[successor]],
                        "GRAPHQL_VALIDATION_FAILED",
                    )
                ]
            elif successor not in black:
                grey.add(successor)
                stack.append((successor, iter(spreads_of[successor])))
    return []


class _Measure:
    """Depth and cost of selections, each fragment measured once per page size."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, limits: Limits) -> None:
        self.schema = schema
        self.limits = limits
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.memo: dict[tuple[str, int | None], tuple[int, int]] = {}

    def page_size(self, field: FieldNode) -> int | None:
        sizes = []
        for argument in field.arguments or ():
            if argument.name.value not in PAGE_ARGUMENTS:
                continue
            if isinstance(argument.value, IntValueNode):
                sizes.append(min(max(int(argument.value.value), 0), self.limits.max_page_size))
            elif isinstance(argument.value, VariableNode):
                sizes.append(self.limits.max_page_size)
        return max(sizes) if sizes else None

    def selection(
        self, selection_set: SelectionSetNode, parent: object, page: int | None
    ) -> tuple[int, int]:
        """(depth, cost) of a selection set on the type `parent`."""
        depth = cost = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                field_depth, field_cost = self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                field_depth, field_cost = self.selection(selection.selection_set, on, page)
            elif isinstance(selection, FragmentSpreadNode):
                # fragment_errors has ruled out unknown fragments and cycles
                field_depth, field_cost = self.spread(selection.name.value, page)
            else:
                continue
            depth, cost = max(depth, field_depth), cost + field_cost
        return depth, cost

    def spread(self, name: str, page: int | None) -> tuple[int, int]:
        key = (name, page)
        if key not in self.memo:
            fragment = self.fragments[name]
            on = self.schema.get_type(fragment.type_condition.name.value)
            self.memo[key] = self.selection(fragment.selection_set, on, page)
        return self.memo[key]

    def field(self, node: FieldNode, parent: object, page: int | None) -> tuple[int, int]:
        if node.name.value.startswith("__") or node.selection_set is None:
            return 0, 1
        definition = (
            parent.fields.get(node.name.value)
            if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
            else None
        )
        if definition is None:  # not a field of this type: the spec's rules say so
            return 0, 1
        kind = definition.type
        if isinstance(kind, GraphQLNonNull):
            kind = kind.of_type
        is_list = isinstance(kind, GraphQLList)
        while isinstance(kind, GraphQLList | GraphQLNonNull):
            kind = kind.of_type
        own_page = self.page_size(node)
        if is_list:
            count = page if page is not None else self.limits.default_list_size
            below = own_page  # a page size is used up by the list it bounds
        else:
            count = 1
            below = own_page if own_page is not None else page
        depth, cost = self.selection(node.selection_set, kind, below)
        return depth + 1, 1 + count * cost


def measure(
    schema: GraphQLSchema, document: DocumentNode, limits: Limits
) -> dict[OperationDefinitionNode, tuple[int, int]]:
    """(depth, cost) of each operation of a document the spec's rules accept."""
    measure = _Measure(schema, document, limits)
    roots = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }
    return {
        operation: measure.selection(
            operation.selection_set, roots[operation.operation.value], None
        )
        for operation in document.definitions
        if isinstance(operation, OperationDefinitionNode)
    }


def limit_errors(
    schema: GraphQLSchema, document: DocumentNode, limits: Limits
) -> list[GraphQLError]:
    """Operations deeper or costlier than the limits allow."""
    errors = []
    for operation, (depth, cost) in measure(schema, document, limits).items():
        name = operation.name.value if operation.name else "anonymous"
        if depth > limits.max_depth:
            errors.append(
                _validation_error(
                    f"'{name}' exceeds maximum operation depth of {limits.max_depth}.",
                    [operation],
                    "QUERY_TOO_DEEP",
                )
            )
        elif cost > limits.max_cost:
            errors.append(
                _validation_error(
                    f"'{name}' may cost {cost}, more than the {limits.max_cost} a request "
                    "may: ask for smaller pages or fewer fields.",
                    [operation],
                    "QUERY_TOO_COMPLEX",
                )
            )
    return errors
