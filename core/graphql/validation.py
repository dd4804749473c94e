"""Validation rules beyond the spec's: depth, aliases, introspection (limits from settings)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from graphene.validation import DisableIntrospection, depth_limit_validator
from graphql import ASTValidationRule, FieldNode, GraphQLError, ValidationContext, specified_rules


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
    rules = [
        *specified_rules,
        depth_limit_validator(max_depth=settings.GRAPHQL_MAX_DEPTH),
        max_aliases_rule(settings.GRAPHQL_MAX_ALIASES),
    ]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(DisableIntrospection)
    return tuple(rules)
