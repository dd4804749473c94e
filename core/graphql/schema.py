"""Building an API's schema with the platform's rules applied to every type.

`api_schema` is what the schema roots (config/schema_*.py) call instead of
`graphene.Schema`. It applies two rules.

An argument or input field that has a default is non-null (`orderBy:
ServiceOrderBy! = DISPLAY_ORDER`). Left out, it takes its default, as before;
sent as an explicit `null`, GraphQL itself refuses it with a typed error,
instead of the resolver receiving a None it was never written for (the
hardening issue found `orderBy: null` and `first: null` crashing resolvers). A
default of null (`address: AddressInput = null`) stays nullable: there, null is the meaning.

A `Date` lies in years 1000 to 8999 (`FIRST_DATE`, `LAST_DATE`); any other is
refused as the value is read, with DATE_OUT_OF_RANGE, for every argument and
input field at once. Python's calendar ends in years 1 and 9999, and near its
edges a day's local midnight, the end of its week or a search past it cannot be
computed (the hardening issue found `daySchedule(date: "9999-12-31")` and
`availability(from: "0001-01-01")` crashing); no appointment, birth or licence
lies outside these years. Instants (`DateTime`) are the services' to check:
they refuse a start they cannot place with their own field error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import graphene
from graphql import (
    GraphQLArgument,
    GraphQLError,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    Undefined,
)

FIRST_DATE = dt.date(1000, 1, 1)
LAST_DATE = dt.date(8999, 12, 31)
DATE_OUT_OF_RANGE = "DATE_OUT_OF_RANGE"


def api_schema(**types: Any) -> graphene.Schema:
    """`graphene.Schema(**types)`, with the rules above applied."""
    schema = graphene.Schema(**types)
    defaults_not_null(schema.graphql_schema)
    dates_bounded(schema.graphql_schema)
    return schema


def defaults_not_null(schema: GraphQLSchema) -> None:
    """Make every argument and input field with a non-null default non-null."""
    slots: list[GraphQLArgument | GraphQLInputField] = []
    for named in schema.type_map.values():
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            slots += [
                argument for field in named.fields.values() for argument in field.args.values()
            ]
        elif isinstance(named, GraphQLInputObjectType):
            slots += named.fields.values()
    for slot in slots:
        if slot.default_value not in (Undefined, None) and not isinstance(
            slot.type, GraphQLNonNull
        ):
            slot.type = GraphQLNonNull(slot.type)


def dates_bounded(schema: GraphQLSchema) -> None:
    """Make the schema's `Date` scalar refuse a day outside FIRST_DATE..LAST_DATE."""
    scalar = schema.type_map.get("Date")
    if not isinstance(scalar, GraphQLScalarType):
        return
    scalar.parse_value = _bounded(scalar.parse_value)  # type: ignore[method-assign]
    # graphene's parse_literal reads the literal's text with its own parse_value,
    # not the scalar's: wrap both.
    scalar.parse_literal = _bounded(scalar.parse_literal)  # type: ignore[method-assign]


def _bounded(parse: Callable[..., Any]) -> Callable[..., Any]:
    def parse_bounded(*args: Any) -> Any:
        day = parse(*args)
        if isinstance(day, dt.date) and not FIRST_DATE <= day <= LAST_DATE:
            raise GraphQLError(
                f"Give a date from {FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}.",
                extensions={"code": DATE_OUT_OF_RANGE},
            )
        return day

    return parse_bounded
