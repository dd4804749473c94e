"""Scalars of our own.

`JSONString`: JSON carried in a string, as graphene's scalar of that name, with
one difference: input that is not JSON (or holds NaN or Infinity) is refused
as a typed GraphQL error, never as an exception the endpoint would report as
INTERNAL_ERROR; so is JSON whose text PostgreSQL cannot store (the escapes
"\\u0000" and a lone "\\ud800" are valid JSON) or that nests too deep, with
the checks every variable gets (core/graphql/inputs.py). Use this one, not
`graphene.JSONString` (a schema holds one type per name).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import graphene
from graphql import GraphQLError, StringValueNode
from graphql.pyutils import Undefined

from core.graphql.inputs import input_error


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not JSON")


def _loads(text: Any) -> Any:
    if not isinstance(text, str):
        raise GraphQLError("A JSONString is a string of JSON.")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise GraphQLError("A JSONString must hold valid JSON.") from None
    # The JSON's own strings (and keys) get the checks the request's text got.
    error = input_error(None, value)
    if error is not None:
        raise error
    return value


class JSONString(graphene.Scalar):
    """A JSON value, written as a string."""

    @staticmethod
    def serialize(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    @staticmethod
    def parse_literal(node: Any, _variables: Any = None) -> Any:
        if isinstance(node, StringValueNode):
            return _loads(node.value)
        return Undefined

    @staticmethod
    def parse_value(value: Any) -> Any:
        return _loads(value)
