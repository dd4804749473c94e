"""The GraphQL endpoint for both schemas.

On top of graphene-django's view:
- parsed and validated documents are cached per query text (validation is a pure
  function of schema and document), at most DOCUMENT_CACHE_SIZE per schema;
- execution does less work per field (core/graphql/execution.py; the setting
  GRAPHQL_FAST_EXECUTION=False runs graphql-core's own instead), and calls the
  object observers for each object of theirs it resolves;
- a suspended spa refuses mutations with SPA_SUSPENDED before anything runs;
- a past-due spa gets a warning in the response's `extensions`;
- errors carry `extensions.code`, and unexpected ones are masked (errors.py);
- mutations run in one transaction (rolled back if any error is reported);
- optional checks before execution see the root fields about to run (the
  public booking API counts them against per-client-address rate limits);
- no CSRF cookie: the tenant API authenticates with bearer tokens only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from copy import copy
from functools import cache, lru_cache, partial
from typing import Any

import sentry_sdk
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from graphene_django.constants import MUTATION_ERRORS_FLAG
from graphene_django.views import GraphQLView
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    execute_sync,
    get_named_type,
    get_operation_ast,
)

from core.graphql.errors import RequestRefusal, format_error
from core.graphql.execution import ObjectObserver, execution_context_class
from core.graphql.graphiql import graphiql_page
from core.graphql.inputs import input_error
from core.graphql.validation import check_document, validation_rules
from core.observability.requestlog import safe_operation_name

logger = logging.getLogger("graphql.errors")

# Distinct query texts kept parsed and validated per schema.
DOCUMENT_CACHE_SIZE = 512
MAX_QUERY_LENGTH = 20_000


class PlatformGraphQLView(GraphQLView):
    # Which root mutations a suspended (read-only) spa still runs, and which run
    # outside the request transaction, are declared on the mutation classes
    # (`read_only_safe`, `autocommit`: core/graphql/mutations.py) and read from
    # the schema once (`mutation_flags`).
    # Called with the request once execution is over, outside the mutation's
    # transaction, before the response is built (the PHI read log is written
    # here). If one fails, the response carries no data: what was read and not
    # logged is not sent.
    after_execution: tuple[Callable[[HttpRequest], None], ...] = ()
    # Called for each object of their class whose fields are resolved, with the
    # request, the object and its path, whichever engine runs (the PHI read log
    # notes the clients read: tenant_apps/audit/services.py).
    object_observers: Mapping[type, ObjectObserver] = {}
    # Called with the request and the names of the root fields the operation
    # selects (through fragments, once per occurrence: aliases count) once the
    # document is valid and before anything runs. May raise RequestRefusal
    # (a rate limit answers 429).
    before_execution: tuple[Callable[[HttpRequest, list[str]], None], ...] = ()

    def __init__(self, **kwargs: Any) -> None:
        self.after_execution = tuple(kwargs.pop("after_execution", self.after_execution))
        self.before_execution = tuple(kwargs.pop("before_execution", self.before_execution))
        observers = kwargs.pop("object_observers", self.object_observers)
        kwargs.setdefault("validation_rules", validation_rules())
        super().__init__(**kwargs)
        # Django builds a view instance per request, so the cache lives with the
        # schema: one per schema (and rule set) for the life of the process.
        key = (id(self.schema), self.validation_rules)
        if key not in _DOCUMENT_CACHES:
            _DOCUMENT_CACHES[key] = lru_cache(maxsize=DOCUMENT_CACHE_SIZE)(
                partial(check_document, self.schema.graphql_schema, list(self.validation_rules))
            )
        self._documents = _DOCUMENT_CACHES[key]
        self.read_only_mutations, self.autocommit_mutations = mutation_flags(
            self.schema.graphql_schema
        )
        self.execution_context_class = execution_context_class(
            fast=settings.GRAPHQL_FAST_EXECUTION, observers=tuple(observers.items())
        )

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # graphene-django decorates dispatch with ensure_csrf_cookie; call the
        # undecorated method so the API never sets cookies.
        try:
            return GraphQLView.dispatch.__wrapped__(self, request, *args, **kwargs)  # type: ignore[attr-defined]
        except RequestRefusal as refusal:
            body = {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]}
            response = JsonResponse(body, status=refusal.status)
            for header, value in refusal.headers.items():
                response[header] = value
            return response

    @property  # type: ignore[override]
    def graphiql(self) -> bool:
        """Whether a browser gets GraphiQL: settings.GRAPHIQL, read per request
        rather than fixed when the URL conf loads."""
        return bool(settings.GRAPHIQL)

    @graphiql.setter
    def graphiql(self, value: bool) -> None:
        pass  # graphene-django's __init__ assigns its keyword; the setting decides

    def render_graphiql(self, request: HttpRequest, **data: Any) -> HttpResponse:
        # The project's own page and files (core/graphql/graphiql.py), not
        # graphene-django's, which loads them from a CDN.
        return graphiql_page(request)

    @staticmethod
    def format_error(error: Exception) -> dict[str, Any]:
        return format_error(error)

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # JSON only: form and multipart bodies end up in request.POST, which
        # django-axes copies into its records on a failed sign-in.
        if request.method == "POST" and self.get_content_type(request) != "application/json":
            raise RequestRefusal(
                status=415,
                code="UNSUPPORTED_MEDIA_TYPE",
                message="Send GraphQL requests as application/json.",
            )
        try:
            request.body  # noqa: B018 (read here: Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE)
        except RequestDataTooBig:
            raise RequestRefusal(
                status=413, code="REQUEST_TOO_LARGE", message="The request body is too large."
            ) from None
        try:
            return super().parse_body(request)
        except RecursionError:
            # json.loads gives up on arrays or objects nested thousands deep.
            raise RequestRefusal(
                status=400, code="BAD_REQUEST", message="The JSON is nested too deeply."
            ) from None

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: dict[str, Any]) -> tuple[Any, ...]:
        # A POST is read from its body alone: parameters in the URL end up in
        # logs (and in axes' records), so a query there is not run.
        if request.method == "POST":
            request = copy(request)
            request.GET = QueryDict()
        return GraphQLView.get_graphql_params(request, data)

    def json_encode(self, request: HttpRequest, d: dict[str, Any], pretty: bool = False) -> str:
        # The tenant on the request (tenants/models.py Spa) may carry a warning
        # for every response, such as a past-due subscription.
        warning = getattr(getattr(request, "spa", None), "status_warning", None)
        if warning:
            d.setdefault("extensions", {})["spaStatus"] = warning
        return super().json_encode(request, d, pretty)

    @staticmethod
    def _root_fields(operation: OperationDefinitionNode | None) -> list[str | None]:
        """The operation's root field names; None for anything but a plain field
        (a fragment), which never matches an allow-list."""
        if operation is None:
            return [None]
        return [
            selection.name.value if isinstance(selection, FieldNode) else None
            for selection in operation.selection_set.selections
        ]

    def _only_read_only_safe(self, operation: OperationDefinitionNode | None) -> bool:
        """True if every root field of the mutation is allowed on a read-only spa."""
        return all(name in self.read_only_mutations for name in self._root_fields(operation))

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: dict[str, Any],
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        result = self._execute(request, query, variables, operation_name, show_graphiql)
        if result is not None and _database_unreachable(result):
            # The database, or the Citus worker holding this spa, did not answer:
            # nothing was written (a mutation's transaction rolled back), and
            # the client should retry, not report a bug.
            raise RequestRefusal(
                status=503,
                code="DATABASE_UNAVAILABLE",
                message="The data is unreachable for a moment. Try again shortly.",
                headers={"Retry-After": "30"},
            )
        for finish in self.after_execution:
            try:
                finish(request)
            except Exception as exc:
                sentry_sdk.capture_exception(exc)
                logger.error("after-execution step %s failed", type(exc).__name__)
                # A server failure, said as one: 500, and nothing of the result.
                raise RequestRefusal(
                    status=500, code="INTERNAL_ERROR", message="Internal server error."
                ) from None
        return result

    def _execute(
        self,
        request: HttpRequest,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        show_graphiql: bool,
    ) -> ExecutionResult | None:
        if not query:
            if show_graphiql:
                return None
            return ExecutionResult(errors=[_bad_request("Send a GraphQL query.")])
        if not isinstance(query, str):
            return ExecutionResult(errors=[_bad_request("The query must be a string.")])
        if variables is not None and not isinstance(variables, dict):
            return ExecutionResult(errors=[_bad_request("Variables must be a JSON object.")])
        if operation_name is not None and not isinstance(operation_name, str):
            return ExecutionResult(errors=[_bad_request("operationName must be a string.")])
        if len(query) > MAX_QUERY_LENGTH:
            return ExecutionResult(errors=[_bad_request("The query is too long.")])
        refusal = input_error(operation_name, variables=variables)
        if refusal is not None:
            return ExecutionResult(errors=[refusal])

        document, errors = self._documents(query)
        if errors or document is None:
            return ExecutionResult(data=None, errors=errors)

        operation = get_operation_ast(document, operation_name)
        request.graphql_operation = safe_operation_name(  # type: ignore[attr-defined]
            operation.name.value if operation is not None and operation.name else operation_name
        )
        is_mutation = operation is not None and operation.operation == OperationType.MUTATION
        if is_mutation and request.method == "GET":
            if show_graphiql:
                return None
            return ExecutionResult(errors=[_bad_request("Send mutations with POST.")])
        spa = getattr(request, "spa", None)
        if (
            is_mutation
            and spa is not None
            and spa.is_read_only
            and not self._only_read_only_safe(operation)
        ):
            raise RequestRefusal(
                status=403,
                code="SPA_SUSPENDED",
                message="This spa is suspended: it can be read but not changed.",
            )
        if self.before_execution and operation is not None:
            fields = _selected_root_fields(document, operation)
            for check in self.before_execution:
                check(request, fields)

        options = {
            "root_value": self.get_root_value(request),
            "context_value": self.get_context(request),
            "variable_values": variables,
            "operation_name": operation_name,
            "middleware": self.get_middleware(request),
            # core/graphql/execution.py
            "execution_context_class": self.execution_context_class,
        }
        if not is_mutation:
            return execute_sync(self.schema.graphql_schema, document, **options)
        roots = self._root_fields(operation)
        if None in roots:
            # Fragments at a mutation's root would hide which fields run (and so
            # whether a sign-in runs inside the request transaction).
            return ExecutionResult(
                errors=[_bad_request("Select a mutation's fields directly, without fragments.")]
            )
        autocommit = [name in self.autocommit_mutations for name in roots]
        if any(autocommit):
            if not all(autocommit):
                return ExecutionResult(
                    errors=[
                        _bad_request(
                            f"Send {', '.join(sorted(self.autocommit_mutations))} "
                            "without other mutations."
                        )
                    ]
                )
            return execute_sync(self.schema.graphql_schema, document, **options)
        with transaction.atomic():
            result = execute_sync(self.schema.graphql_schema, document, **options)
            # Payload errors (flagged on the request) undo the mutation as well.
            if result.errors or getattr(request, MUTATION_ERRORS_FLAG, False):
                transaction.set_rollback(True)
        return result


_DOCUMENT_CACHES: dict[tuple[Any, ...], Callable[[str], tuple[DocumentNode | None, list]]] = {}


@cache
def mutation_flags(schema: GraphQLSchema) -> tuple[frozenset[str], frozenset[str]]:
    """The root mutation fields whose mutation class says `read_only_safe`, and
    those that say `autocommit` (graphene keeps the class on the payload type as
    `graphene_type`), worked out once per schema."""
    read_only: set[str] = set()
    autocommit: set[str] = set()
    for name, field in (schema.mutation_type.fields if schema.mutation_type else {}).items():
        mutation = getattr(get_named_type(field.type), "graphene_type", None)
        if getattr(mutation, "read_only_safe", False):
            read_only.add(name)
        if getattr(mutation, "autocommit", False):
            autocommit.add(name)
    return frozenset(read_only), frozenset(autocommit)


def _selected_root_fields(document: DocumentNode, operation: OperationDefinitionNode) -> list[str]:
    """The root field names `operation` selects, through fragments, one per
    occurrence (validation has ruled out fragment cycles and unknown fragments)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    names: list[str] = []
    pending = [operation.selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                names.append(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                pending.append(fragments[selection.name.value].selection_set)
    return names


def _bad_request(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_REQUEST"})


def _database_unreachable(result: ExecutionResult) -> bool:
    """Whether a resolver failed because the database could not be reached or
    could not run the statement (a node down, a connection lost, a timeout)."""
    return any(
        isinstance(getattr(error, "original_error", None), OperationalError)
        for error in result.errors or ()
    )
