"""core/graphql/execution.py answers exactly what graphql-core's own execution
answers: data, errors, messages and paths, on a schema built to take every
path (scalars, enums, nulls, errors, lists, objects, model checks, arguments,
aliases, fragments, __typename)."""

import graphene
import graphql
import pytest
from graphql import ExecutionContext, execute_sync, parse
from graphql.execution.middleware import MiddlewareManager

from core.graphql.execution import (
    WRITTEN_FOR_GRAPHQL_CORE,
    PlatformExecutionContext,
    execution_context_class,
)
from tenant_apps.catalog.graphql.types import ServiceCategoryNode
from tenant_apps.catalog.models import Service, ServiceCategory


class Color(graphene.Enum):
    RED = "red"
    BLUE = "blue"


class Item(graphene.ObjectType):
    name = graphene.String(required=True)
    label = graphene.String()
    color = graphene.Field(Color)
    required_color = graphene.Field(Color, required=True)
    count = graphene.Int()
    tags = graphene.List(graphene.NonNull(graphene.String))
    greeting = graphene.String(name=graphene.String(default_value="you"))
    broken = graphene.String()
    broken_required = graphene.String(required=True)

    @staticmethod
    def resolve_greeting(root, info, name):
        return f"hello {name}"

    @staticmethod
    def resolve_broken(root, info):
        raise ValueError("no luck")

    @staticmethod
    def resolve_broken_required(root, info):
        raise ValueError("none at all")


class Query(graphene.ObjectType):
    items = graphene.List(Item)
    required_items = graphene.List(graphene.NonNull(Item))
    category = graphene.Field(ServiceCategoryNode)
    categories = graphene.List(ServiceCategoryNode)

    @staticmethod
    def resolve_items(root, info):
        return [
            {"name": "a", "label": "A", "color": "red", "required_color": "blue", "count": 1},
            {"name": "b", "label": None, "color": None, "required_color": "red", "tags": ["x"]},
            # values the scalars refuse: a count that is no int, unknown enum values
            {"name": "c", "count": "many", "color": "green", "required_color": "red"},
            {"name": "d", "required_color": "purple"},
            # null for a non-null field
            {"name": None, "required_color": "red"},
        ]

    @staticmethod
    def resolve_required_items(root, info):
        return [{"name": "a", "required_color": "red"}, {"name": None, "required_color": "red"}]

    @staticmethod
    def resolve_category(root, info):
        return ServiceCategory(pk=7, name="Injectables", description="", display_order=1)

    @staticmethod
    def resolve_categories(root, info):
        # The second is no category: the model check refuses it.
        return [
            ServiceCategory(pk=7, name="Injectables", description="", display_order=1),
            Service(pk=9, name="Neurotoxin"),
        ]


SCHEMA = graphene.Schema(query=Query).graphql_schema

QUERIES = {
    "scalars, enums, nulls and errors": """{
        items { name label color requiredColor count tags greeting broken }
    }""",
    "an error in a non-null field nulls its object": "{ items { name brokenRequired } }",
    "a null in a non-null list item nulls the list": "{ requiredItems { name } }",
    "arguments, aliases, fragments, __typename": """
        query($who: String) {
          items { __typename ...F other: greeting(name: $who) plain: greeting }
        }
        fragment F on Item { ... on Item { name } greeting(name: "there") }
    """,
    "django objects, ids and model checks": """{
        category { id name displayOrder __typename }
        categories { name }
    }""",
}


def run(query: str, context_class: type[ExecutionContext], **options):
    return execute_sync(
        SCHEMA,
        parse(query),
        variable_values={"who": "me"},
        execution_context_class=context_class,
        **options,
    )


@pytest.mark.parametrize("query", QUERIES.values(), ids=QUERIES.keys())
def test_it_answers_what_graphql_core_answers(query):
    expected = run(query, ExecutionContext)

    answer = run(query, PlatformExecutionContext)

    assert answer.data == expected.data
    assert [(e.message, e.path, e.locations) for e in answer.errors or []] == [
        (e.message, e.path, e.locations) for e in expected.errors or []
    ]


def test_the_queries_above_take_the_error_paths():
    errors = [run(query, ExecutionContext).errors for query in QUERIES.values()]

    messages = " ".join(e.message for found in errors for e in found or [])
    assert "Cannot return null for non-nullable field" in messages
    assert "Int cannot represent non-integer value" in messages
    assert "Enum 'Color' cannot represent value" in messages
    assert "no luck" in messages and "none at all" in messages
    assert "Expected value of type 'ServiceCategory'" in messages


def test_middleware_still_wraps_every_resolver():
    seen = []

    def note(next_, root, info, **arguments):
        seen.append(info.field_name)
        return next_(root, info, **arguments)

    query = "{ items { name count } }"
    run(query, ExecutionContext, middleware=MiddlewareManager(note))
    expected, seen[:] = list(seen), []

    answer = run(query, PlatformExecutionContext, middleware=MiddlewareManager(note))

    assert seen == expected and answer.data == run(query, ExecutionContext).data


def test_the_engine_was_written_for_the_graphql_core_installed():
    assert graphql.version == WRITTEN_FOR_GRAPHQL_CORE, (
        f"graphql-core is now {graphql.version}; core/graphql/execution.py was written "
        f"against {WRITTEN_FOR_GRAPHQL_CORE}. It overrides ExecutionContext.execute_fields, "
        "execute_field and complete_object_value, and calls build_resolve_info, "
        "complete_value, handle_field_error, collect_subfields, get_field_def, "
        "get_argument_values, invalid_return_type_error and assume_not_awaitable: re-read "
        "them in the new release (graphql/execution/execute.py), run the tests with "
        "GRAPHQL_FAST_EXECUTION both on and off, then update WRITTEN_FOR_GRAPHQL_CORE "
        "(or switch the engine off with GRAPHQL_FAST_EXECUTION=False)."
    )


@pytest.mark.parametrize("fast", [True, False], ids=["fast engine", "graphql-core's"])
def test_object_observers_see_each_object_resolved_with_either_engine(fast):
    seen = []

    def note(context, value, path):
        seen.append((context, value.pk, path.as_list()))

    context_class = execution_context_class(fast=fast, observers=((ServiceCategory, note),))
    context = object()

    answer = execute_sync(
        SCHEMA,
        parse("{ category { name } categories { name } items { name } }"),
        context_value=context,
        execution_context_class=context_class,
    )

    assert issubclass(context_class, PlatformExecutionContext) is fast
    # Objects of other classes (the Service refused by the model check, the
    # dicts) are not observed; the root is no object.
    assert seen == [(context, 7, ["category"]), (context, 7, ["categories", 0])]
    assert answer.data["category"] == {"name": "Injectables"}
    assert execution_context_class(fast=fast, observers=((ServiceCategory, note),)) is (
        context_class
    )
    assert execution_context_class(fast=fast) is (
        PlatformExecutionContext if fast else ExecutionContext
    )
