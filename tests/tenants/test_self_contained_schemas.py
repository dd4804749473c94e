"""A spa schema is self-contained: no foreign key crosses its boundary
(docs/ARCHITECTURE.md section 2; what lets a schema move to another Citus node,
platform/SCALING.md)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import NotSupportedError, connection, transaction

from tenants.citus import citus_enabled
from tenants.selectors import CrossingForeignKey, foreign_keys_crossing_spa_schemas


def _foreign_keys_inside(schema: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = %s::regnamespace",
            [schema],
        )
        return cursor.fetchone()[0]


def test_no_foreign_key_leaves_or_enters_a_spa_schema(glow, radiance):
    # the check looks at schemas that do hold foreign keys (between their own tables)
    for schema in (glow.schema_name, radiance.schema_name, settings.SPA_TEMPLATE_SCHEMA):
        assert _foreign_keys_inside(schema) > 0, schema

    assert foreign_keys_crossing_spa_schemas() == []


@pytest.mark.parametrize(
    ("ddl", "expected"),
    [
        # a spa table pointing at a public one (a user id kept as a real foreign key)
        (
            'CREATE TABLE "{glow}".zz_leak (spa_id bigint REFERENCES public.tenants_spa (id))',
            ("{glow}.zz_leak", "public.tenants_spa"),
        ),
        # a spa table pointing into another spa
        (
            'CREATE TABLE "{glow}".zz_leak (p bigint REFERENCES "{radiance}".profile_spaprofile (id))',
            ("{glow}.zz_leak", "{radiance}.profile_spaprofile"),
        ),
        # a public table pointing into a spa
        (
            'CREATE TABLE public.zz_leak (p bigint REFERENCES "{glow}".profile_spaprofile (id))',
            ("public.zz_leak", "{glow}.profile_spaprofile"),
        ),
        # the template, which every new spa copies
        (
            'CREATE TABLE "{template}".zz_leak (spa_id bigint REFERENCES public.tenants_spa (id))',
            ("{template}.zz_leak", "public.tenants_spa"),
        ),
    ],
)
def test_the_check_reports_a_foreign_key_crossing_a_spa_schema(glow, radiance, ddl, expected):
    names = {
        "glow": glow.schema_name,
        "radiance": radiance.schema_name,
        "template": settings.SPA_TEMPLATE_SCHEMA,
    }
    # given a foreign key across the boundary (DDL is transactional: the test's
    # rollback removes it)
    with connection.cursor() as cursor:
        if citus_enabled() and ddl.startswith('CREATE TABLE "{glow}"'):
            # On Citus a distributed spa schema cannot even hold one: the
            # database refuses it, which is the stronger guarantee.
            with pytest.raises(NotSupportedError), transaction.atomic():
                cursor.execute(ddl.format(**names))
            return
        cursor.execute(ddl.format(**names))

    crossing = foreign_keys_crossing_spa_schemas()

    # (names are printed as quote_ident prints them: these need no quotes)
    table, references = (part.format(**names) for part in expected)
    assert [(key.table, key.references) for key in crossing] == [(table, references)]
    assert isinstance(crossing[0], CrossingForeignKey) and crossing[0].constraint


def test_spa_isolation_command(glow, capsys):
    call_command("spa", "isolation")
    assert "Every spa schema is self-contained." in capsys.readouterr().out

    # (in the template, which stays a local schema on Citus too)
    template = settings.SPA_TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TABLE "{template}".zz_leak (spa_id bigint REFERENCES public.tenants_spa (id))'
        )
    with pytest.raises(CommandError, match="1 foreign key"):
        call_command("spa", "isolation")
    assert f"{template}.zz_leak -> public.tenants_spa" in capsys.readouterr().out
