"""migrate over many spas: a failing spa is named and the others are migrated;
`spa behind` lists the spas whose schema lacks migrations."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.migrations.executor import MigrationExecutor

from shared_apps.lifecycle.services import spa_provision
from tenants.db import connection
from tenants.selectors import spa_schemas_behind

pytestmark = pytest.mark.usefixtures("committing")

ARGS = {"name": "Lumen", "timezone_name": "UTC", "owner_email": "o@lumen.example"}


def _forget_profile_seed(schema: str) -> None:
    """Put the schema one migration behind: the profile app's latest migration is
    really undone (not just forgotten), so migrating runs it again as on a spa
    that never had it."""
    connection.set_schema(schema)
    try:
        executor = MigrationExecutor(connection)
        (latest,) = executor.loader.graph.leaf_nodes("profile")
        (previous,) = (
            parent
            for parent in executor.loader.graph.node_map[latest].parents
            if parent.key[0] == "profile"
        )
        executor.migrate([previous.key])
    finally:
        connection.set_schema_to_public()


@pytest.mark.parametrize("processes", ["1", "2"])
def test_a_failing_spa_is_named_and_the_others_are_migrated(processes, capsys):
    # given three spas one migration behind, one of them broken
    for slug in ("lumen-a", "lumen-b", "lumen-c"):
        spa_provision(slug=slug, **ARGS)
        _forget_profile_seed(f"spa_{slug.replace('-', '_')}")
    with connection.cursor() as cursor:
        cursor.execute('DROP TABLE "spa_lumen_b".profile_spaprofile')
    assert set(spa_schemas_behind()) >= {"lumen-a", "lumen-b", "lumen-c"}

    # when every spa is migrated
    with pytest.raises(CommandError) as error:
        call_command("migrate", interactive=False, verbosity=0, parallel=int(processes))

    # then the broken one is reported, by schema, and the others caught up
    assert "spa_lumen_b" in str(error.value)
    assert "spa_lumen_a" not in str(error.value) and "spa_lumen_c" not in str(error.value)
    assert "spa_lumen_b: ProgrammingError" in capsys.readouterr().err
    behind = spa_schemas_behind()
    assert "lumen-b" in behind and "lumen-a" not in behind and "lumen-c" not in behind


def test_spa_behind_reports_and_fails_only_when_something_is_behind(capsys):
    spa_provision(slug="lumen", **ARGS)
    call_command("spa", "behind")
    assert "Every spa schema is up to date." in capsys.readouterr().out

    _forget_profile_seed("spa_lumen")

    with pytest.raises(CommandError, match="1 spa"):
        call_command("spa", "behind")
    assert "lumen                    1 migration(s) behind" in capsys.readouterr().out


def test_a_worker_that_exits_does_not_hang_the_run():
    # migrate --check exits its process (SystemExit) when something is unapplied
    for slug in ("lumen-a", "lumen-b"):
        spa_provision(slug=slug, **ARGS)
        _forget_profile_seed(f"spa_{slug.replace('-', '_')}")

    with pytest.raises(CommandError) as error:
        call_command("migrate", interactive=False, verbosity=0, parallel=2, check_unapplied=True)

    assert "spa_lumen_a" in str(error.value) and "spa_lumen_b" in str(error.value)
