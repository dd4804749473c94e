"""core/graphql/mutations.py: a service's refusal becomes the payload's errors,
and a code the mutation's enum does not list is caught, not silently INVALID."""

import logging
from types import SimpleNamespace

import graphene
import pytest
from django.core.exceptions import ValidationError

from core.errors import ErrorCode, field_error
from core.graphql.mutations import SpaMutation, UnknownErrorCode, error_type, errors_from
from core.graphql.permissions import ANYONE
from core.graphql.view import mutation_flags


class ThingErrorCode(ErrorCode):
    NAME_TAKEN = "NAME_TAKEN"


class OtherErrorCode(ErrorCode):
    NOT_LISTED = "NOT_LISTED"


ThingErrorCodeEnum, ThingError = error_type("Thing", ThingErrorCode)


class RenameThing(SpaMutation):
    permission = ANYONE
    error_codes = frozenset(ThingErrorCode)
    errors = graphene.List(graphene.NonNull(ThingError), required=True)
    ok = graphene.Boolean()

    class Arguments:
        unknown = graphene.Boolean(required=True)

    @classmethod
    def perform(cls, root, info, membership, unknown):
        if unknown:
            raise field_error(OtherErrorCode.NOT_LISTED, "Nope.", "new_name")
        raise field_error(ThingErrorCode.NAME_TAKEN, "Taken.", "new_name")


class Mutations(graphene.ObjectType):
    rename_thing = RenameThing.Field()


class Query(graphene.ObjectType):
    ok = graphene.Boolean()


SCHEMA = graphene.Schema(query=Query, mutation=Mutations)


def rename(unknown: bool):
    return SCHEMA.execute(
        "mutation($u: Boolean!) { renameThing(unknown: $u) { errors { field code message } } }",
        variables={"u": unknown},
        context_value=SimpleNamespace(membership=None),
    )


def test_the_enum_lists_the_domain_codes_and_the_fallback():
    assert list(ThingErrorCodeEnum._meta.enum.__members__) == ["NAME_TAKEN", "INVALID"]


def test_a_listed_code_reaches_the_payload_with_its_field_in_camel_case():
    result = rename(unknown=False)

    assert result.errors is None
    assert result.data == {
        "renameThing": {"errors": [{"field": "newName", "code": "NAME_TAKEN", "message": "Taken."}]}
    }


def test_an_unlisted_code_fails_loudly_in_tests(caplog):
    with caplog.at_level(logging.ERROR, logger="graphql.errors"):
        result = rename(unknown=True)

    assert result.data == {"renameThing": None}
    assert isinstance(result.errors[0].original_error, UnknownErrorCode)
    assert "'NOT_LISTED'" in caplog.text and "RenameThing" in caplog.text


def test_an_unlisted_code_is_logged_and_answered_invalid_when_not_strict(settings, caplog):
    settings.GRAPHQL_STRICT_ERROR_CODES = False
    exc = ValidationError({"name": ValidationError("Nope.", code="NOT_LISTED")})

    with caplog.at_level(logging.ERROR, logger="graphql.errors"):
        errors = errors_from(exc, frozenset(ThingErrorCode), where="RenameThing")

    assert errors == [{"field": "name", "code": "INVALID", "message": "Nope."}]
    assert "'NOT_LISTED'" in caplog.text and "RenameThing" in caplog.text


def test_an_unlisted_code_raises_when_strict(settings):
    settings.GRAPHQL_STRICT_ERROR_CODES = True
    with pytest.raises(UnknownErrorCode, match="NOT_LISTED"):
        errors_from(ValidationError("Nope.", code="NOT_LISTED"), frozenset(), where="X")


class SignIn(RenameThing):
    read_only_safe = True
    autocommit = True


class Pay(RenameThing):
    read_only_safe = True


class FlaggedMutations(graphene.ObjectType):
    sign_in = SignIn.Field()
    pay = Pay.Field()
    rename_thing = RenameThing.Field()


def test_the_view_reads_which_mutations_run_suspended_or_outside_the_transaction_from_the_classes():
    schema = graphene.Schema(query=Query, mutation=FlaggedMutations).graphql_schema

    assert mutation_flags(schema) == (frozenset({"signIn", "pay"}), frozenset({"signIn"}))
    assert mutation_flags(graphene.Schema(query=Query).graphql_schema) == (frozenset(), frozenset())


def test_the_spa_and_public_apis_declare_the_mutations_they_always_had():
    from config.schema_public import schema as public_schema
    from config.schema_tenant import schema as tenant_schema

    read_only, autocommit = mutation_flags(tenant_schema.graphql_schema)
    assert read_only == {
        "login",
        "logout",
        "logoutEverywhere",
        "requestPasswordReset",
        "resetPassword",
        "startCheckout",
        "openBillingPortal",
    }
    assert autocommit == {"login", "changePassword"}
    assert mutation_flags(public_schema.graphql_schema) == (frozenset(), frozenset({"signUp"}))
