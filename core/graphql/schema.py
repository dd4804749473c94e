"""Building an API's schema with the platform's rules applied to every type.

`api_schema` is what the schema roots (config/schema_*.py) call instead of
`graphene.Schema`. Today it applies one rule: an argument or input field that
has a default is non-null (`orderBy: ServiceOrderBy! = DISPLAY_ORDER`). Left
out, it takes its default, as before; sent as an explicit `null`, GraphQL
itself refuses it with a typed error, instead of the resolver receiving a None
it was never written for (the hardening issue found `orderBy: null` and
`first: null` crashing resolvers). A default of null (`address: AddressInput =
null`) stays nullable: there, null is the meaning.
"""

from __future__ import annotations

from typing import Any

import graphene
from graphql import (
    GraphQLArgument,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    Undefined,
)


def api_schema(**types: Any) -> graphene.Schema:
    """`graphene.Schema(**types)`, with the rules above applied."""
    schema = graphene.Schema(**types)
    defaults_not_null(schema.graphql_schema)
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
