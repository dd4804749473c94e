"""What a document must pass before it runs (limits from settings): no unknown or
cyclic fragment spread (first, core/graphql/limits.py), the spec's rules plus a
cap on aliases and, in production, no introspection (`validation_rules`), then
a depth and a cost within the limits (`document_limits`). The endpoint runs
all three once per distinct query text (`check_document`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from graphene.validation import DisableIntrospection
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

from core.graphql.inputs import literal_errors
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


@lru_cache(maxsize=1)
def validation_rules() -> tuple[type[ASTValidationRule], ...]:
    """The spec's rules plus ours (passing rules to graphql-core replaces its defaults).

    Built once per process, so parsed-and-validated documents can be cached per
    rule set; a test that changes the limits calls `validation_rules.cache_clear()`.
    """
    rules = [*specified_rules, max_aliases_rule(settings.GRAPHQL_MAX_ALIASES)]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
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
    try:
        document = parse(query)
    except GraphQLError as error:
        return None, [error]
    errors = literal_errors(document) or fragment_errors(document)
    if errors:
        return None, errors
    errors = validate(schema, document, rules, max_errors=50)
    if errors:
        return document, errors
    return document, limit_errors(schema, document, document_limits())
