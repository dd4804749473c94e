"""What a document must pass before it runs (limits from settings): storable
text and string literals (core/graphql/inputs.py), no unknown or cyclic fragment spread,
a depth and a cost within the limits (core/graphql/limits.py,
`document_limits`), then the spec's rules plus a cap on aliases and, in
production, no introspection (`validation_rules`). The endpoint runs them once
per distinct query text (`check_document`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    ValidationContext,
    parse,
    specified_rules,
    validate,
)

from core.graphql.inputs import literal_errors, query_text_errors
from core.graphql.limits import Limits, fragment_errors, limit_errors


def max_aliases_rule(limit: int) -> type[ASTValidationRule]:
    """Refuse documents with more than `limit` aliased fields: batching a mutation
    (`a: login(...) b: login(...)`) in one request must not multiply its effect."""

    class MaxAliases(ASTValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.count = 0

        def enter_field(self, node: FieldNode, *_args: Any) -> None:
            if node.alias is not None:
                self.count += 1
                if self.count == limit + 1:
                    self.report_error(
                        GraphQLError(
                            f"A request may use at most {limit} aliases.",
                            node,
                            extensions={"code": "TOO_MANY_ALIASES"},
                        )
                    )

    return MaxAliases


class NoIntrospection(ASTValidationRule):
    """Refuse `__schema` and `__type` (the schema's shape), but not `__typename`,
    which clients add to every selection to cache by type. (graphene's
    DisableIntrospection refuses every name that starts with two underscores.)"""

    def enter_field(self, node: FieldNode, *_args: Any) -> None:
        if node.name.value in {"__schema", "__type"}:
            self.report_error(
                GraphQLError(
                    f"Cannot query '{node.name.value}': introspection is disabled.",
                    node,
                    extensions={"code": "INTROSPECTION_DISABLED"},
                )
            )


@lru_cache(maxsize=1)
def validation_rules() -> tuple[type[ASTValidationRule], ...]:
    """The spec's rules plus ours (passing rules to graphql-core replaces its defaults).

    Built once per process, so parsed-and-validated documents can be cached per
    rule set; a test that changes the limits calls `validation_rules.cache_clear()`.
    """
    rules = [*specified_rules, max_aliases_rule(settings.GRAPHQL_MAX_ALIASES)]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoIntrospection)
    return tuple(rules)


@lru_cache(maxsize=1)
def document_limits() -> Limits:
    """Depth and cost limits from settings (a test that changes them calls
    `document_limits.cache_clear()`)."""
    return Limits(
        max_depth=settings.GRAPHQL_MAX_DEPTH,
        max_cost=settings.GRAPHQL_MAX_COST,
        max_page_size=settings.GRAPHQL_MAX_PAGE_SIZE,
        default_list_size=settings.GRAPHQL_DEFAULT_LIST_SIZE,
    )


def check_document(
    schema: GraphQLSchema, rules: list[Any], query: str
) -> tuple[DocumentNode | None, list[GraphQLError]]:
    """Parse `query` and run every check on it, cheapest and most basic first;
    the document and the first checks' errors (none: it may run)."""
    errors = query_text_errors(query)
    if errors:
        return None, errors
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, [error]
    # Cheapest first, and the spec's rules last: a document too deep or too
    # costly is refused in microseconds, before rules whose work grows with
    # what the document expands to (the overlapping-fields rule, above all).
    errors = (
        literal_errors(query, document)
        or fragment_errors(document)
        or limit_errors(schema, document, document_limits())
    )
    if errors:
        return None, errors
    return document, validate(schema, document, rules, max_errors=50)
