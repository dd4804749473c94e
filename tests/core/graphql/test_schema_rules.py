"""Rules every API schema follows (core/graphql/schema.py)."""

import datetime as dt

import pytest
from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLNonNull,
    GraphQLObjectType,
    StringValueNode,
    Undefined,
)

from config.schema_booking import schema as booking_schema
from config.schema_public import schema as public_schema
from config.schema_tenant import schema as tenant_schema


def _slots_with_defaults(schema):
    for named in schema.type_map.values():
        if named.name.startswith("__"):  # introspection's own types are graphql-core's
            continue
        if isinstance(named, GraphQLObjectType):
            for field_name, field in named.fields.items():
                for name, argument in field.args.items():
                    yield f"{named.name}.{field_name}({name})", argument
        elif isinstance(named, GraphQLInputObjectType):
            for name, field in named.fields.items():
                yield f"{named.name}.{name}", field


@pytest.mark.parametrize("schema", [tenant_schema, booking_schema, public_schema])
def test_every_argument_with_a_default_is_non_null(schema):
    nullable = [
        where
        for where, slot in _slots_with_defaults(schema.graphql_schema)
        if slot.default_value not in (Undefined, None) and not isinstance(slot.type, GraphQLNonNull)
    ]
    assert nullable == []


def test_an_explicit_null_for_an_argument_with_a_default_is_a_typed_error(glow, signed_in):
    client = signed_in(glow, "owner")

    left_out = client.graphql("{ staff(first: 5) { totalCount } }")
    explicit = client.graphql("{ staff(first: 5, orderBy: null) { totalCount } }")
    variable = client.graphql(
        "query($order: StaffOrderBy) { staff(first: 5, orderBy: $order) { totalCount } }",
        {"order": None},
    )

    assert left_out.status == 200 and not left_out.errors
    assert explicit.status == 400
    assert explicit.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert variable.data == {"staff": None}
    assert variable.error_codes == ["BAD_REQUEST"]
    assert "must not be null" in variable.errors[0]["message"]


@pytest.mark.parametrize("schema", [tenant_schema, booking_schema])
def test_every_date_lies_in_the_years_the_calendar_can_compute_with(schema):
    date = schema.graphql_schema.type_map["Date"]

    for text in ("0001-01-01", "0999-12-31", "9000-01-01", "9999-12-31"):
        with pytest.raises(GraphQLError) as refused:
            date.parse_value(text)
        assert refused.value.extensions == {"code": "DATE_OUT_OF_RANGE"}
        with pytest.raises(GraphQLError):
            date.parse_literal(StringValueNode(value=text))
    assert date.parse_value("1000-01-01") == dt.date(1000, 1, 1)
    assert date.parse_literal(StringValueNode(value="8999-12-31")) == dt.date(8999, 12, 31)
