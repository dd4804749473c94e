"""The spa executor's `has_table` answers as Django's does, by one lookup."""

from __future__ import annotations

import pytest
from django.db.migrations.recorder import MigrationRecorder

from tenants.db import connection
from tenants.migration_executor import _has_table_by_lookup


@pytest.mark.spa("glow")
def test_the_lookup_agrees_with_django_on_the_spa_search_path(django_assert_num_queries):
    recorder = MigrationRecorder(connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")  # the spa's search_path is set before counting
    with django_assert_num_queries(1):
        found = _has_table_by_lookup(recorder)
    assert found is True
    assert MigrationRecorder(connection).has_table() is True
    with django_assert_num_queries(0):  # remembered, as Django's is
        assert _has_table_by_lookup(recorder) is True


@pytest.mark.spa("glow")
def test_the_lookup_says_no_for_a_table_that_is_not_there():
    class Elsewhere(MigrationRecorder):
        pass

    recorder = Elsewhere(connection)
    recorder.Migration = type(  # type: ignore[misc]
        "Missing",
        (),
        {"_meta": type("Meta", (), {"db_table": "no_such_migrations_table"})()},
    )
    assert _has_table_by_lookup(recorder) is False
