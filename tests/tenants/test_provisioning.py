"""spa_provision: fast, idempotent, resumable, safe to run concurrently.

These tests commit (provisioning commits between its steps), so they use the
`committing` fixture, which drops the spas they create.
"""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connections, transaction
from django_tenants.utils import schema_exists

from tenant_apps.profile.models import SpaProfile
from tenants import schema_template
from tenants.db import connection
from tenants.models import Domain, Spa, SpaStatus
from tenants.provisioning import (
    spa_provision,
    spa_provision_cancel,
    spa_provision_resume,
    spa_register,  # the first step alone, to reproduce a crash after it
)
from tests.conftest import HostClient

pytestmark = pytest.mark.usefixtures("committing")

ARGS = {
    "name": "Lumen Skin",
    "timezone_name": "America/Chicago",
    "owner_email": "Owner@Lumen.example",
}


def _register_only(initial_status: str = "active") -> Spa:
    """Step 1 of provisioning alone: the state a crash right after it leaves."""
    return spa_register(
        slug="lumen",
        name="Lumen Skin",
        timezone_name="America/Chicago",
        owner_email="owner@lumen.example",
        initial_status=initial_status,
    )


def _tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


def _describe_schema(schema: str) -> dict[str, list[tuple]]:
    """What a schema holds, with the schema name taken out: to compare two schemas."""
    queries = {
        "columns": """
            SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity,
                   identity_generation, character_maximum_length
            FROM information_schema.columns WHERE table_schema = %(s)s ORDER BY 1, 2""",
        "constraints": """
            SELECT rel.relname, con.conname, con.contype, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
            WHERE rel.relnamespace = %(s)s::regnamespace ORDER BY 1, 2""",
        "indexes": """
            SELECT tablename, indexname, replace(indexdef, %(s)s || '.', '')
            FROM pg_indexes WHERE schemaname = %(s)s ORDER BY 1, 2""",
        "migrations": "SELECT app, name FROM {schema}.django_migrations ORDER BY 1, 2",
        "profile": "SELECT id, contact_email FROM {schema}.profile_spaprofile",
    }
    description = {}
    with connection.cursor() as cursor:
        cursor.execute(f'SET search_path TO "{schema}"')  # unqualified *def() output
        for key, sql in queries.items():
            cursor.execute(sql.replace("{schema}", f'"{schema}"'), {"s": schema})
            description[key] = cursor.fetchall()
    connection.set_schema_to_public()
    return description


def test_provision_creates_a_ready_spa():
    spa = spa_provision(slug="lumen", **ARGS)

    assert spa.status == SpaStatus.ACTIVE
    assert spa.schema_name == "spa_lumen"
    assert spa.owner_email == "owner@lumen.example"
    assert list(spa.domains.values_list("domain", "is_primary")) == [("lumen.medspa.test", True)]
    assert {"profile_spaprofile", "django_migrations"} <= _tables("spa_lumen")
    answer = HostClient("lumen.medspa.test").graphql(
        "{ spa { name status profile { contactEmail } } }"
    )
    assert answer.data == {
        "spa": {"name": "Lumen Skin", "status": "ACTIVE", "profile": {"contactEmail": ""}}
    }


def test_trialing_spa_can_be_provisioned():
    assert spa_provision(slug="lumen-trial", status=SpaStatus.TRIALING, **ARGS).status == "trialing"


def test_provision_is_idempotent():
    first = spa_provision(slug="lumen", **ARGS)
    again = spa_provision(slug="lumen", **ARGS)

    assert again.pk == first.pk
    assert Spa.objects.filter(slug="lumen").count() == 1
    assert Domain.objects.filter(tenant=first).count() == 1


def test_same_slug_with_other_details_is_taken():
    spa_provision(slug="lumen", **ARGS)

    with pytest.raises(ValidationError) as error:
        spa_provision(slug="lumen", **{**ARGS, "name": "Someone Else"})

    assert error.value.error_dict["slug"][0].code == "SLUG_TAKEN"


def test_invalid_input_creates_nothing():
    with pytest.raises(ValidationError) as error:
        spa_provision(slug="Lumen!", name="", timezone_name="Nowhere/City", owner_email="nope")

    assert {field: errors[0].code for field, errors in error.value.error_dict.items()} == {
        "slug": "SLUG_INVALID",
        "name": "NAME_REQUIRED",
        "timezone": "TIMEZONE_INVALID",
        "owner_email": "EMAIL_INVALID",
    }
    assert not Spa.objects.filter(slug__startswith="lumen").exists()


def test_provision_refuses_to_run_inside_a_transaction():
    with transaction.atomic(), pytest.raises(RuntimeError):
        spa_provision(slug="lumen", **ARGS)


def test_crash_after_registration_is_finished_by_a_rerun():
    # given a process that died right after step 1 (row and domain committed, no schema)
    _register_only()
    assert not schema_exists("spa_lumen")
    assert HostClient("lumen.medspa.test").graphql("{ spa { slug } }").status == 503

    # when provisioning runs again
    spa = spa_provision(slug="lumen", **ARGS)

    # then the spa is finished and serves
    assert spa.status == SpaStatus.ACTIVE
    assert HostClient("lumen.medspa.test").graphql("{ spa { slug } }").data == {
        "spa": {"slug": "lumen"}
    }


def test_failure_while_cloning_leaves_no_schema_and_a_rerun_finishes():
    # given another session holding a lock on a template table, so the clone fails
    params = {
        k: v
        for k, v in connection.get_connection_params().items()
        if k in ("dbname", "user", "password", "host", "port")
    }
    with psycopg.connect(**params) as blocker:
        blocker.execute('LOCK TABLE "_spa_template".profile_spaprofile IN ACCESS EXCLUSIVE MODE')
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
        try:
            with pytest.raises(Exception, match="lock timeout"):
                spa_provision(slug="lumen", **ARGS)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET lock_timeout")
        # then nothing half-made: the spa waits in provisioning, without a schema
        assert Spa.objects.get(slug="lumen").status == SpaStatus.PROVISIONING
        assert not schema_exists("spa_lumen")

    # when it runs again (lock released)
    spa = spa_provision(slug="lumen", **ARGS)

    assert spa.status == SpaStatus.ACTIVE
    assert {"profile_spaprofile"} <= _tables("spa_lumen")


def test_half_migrated_schema_is_finished_by_a_rerun():
    # given a crash in the middle of plain migrations: the schema (marked as this
    # spa's, as provisioning marks it) and the profile table exist, the seed
    # migration never ran
    registered = _register_only()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "spa_lumen"')
        cursor.execute(f"COMMENT ON SCHEMA \"spa_lumen\" IS 'spa:{registered.pk}'")
    call_command(
        "migrate_schemas",
        "profile",
        "0001",
        schema_name="spa_lumen",
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()

    spa = spa_provision(slug="lumen", **ARGS)

    assert spa.status == SpaStatus.ACTIVE
    connection.set_tenant(spa)
    assert SpaProfile.objects.count() == 1
    connection.set_schema_to_public()


def test_cancel_removes_an_unfinished_spa():
    spa = _register_only()

    spa_provision_cancel(spa=spa)

    assert not Spa.objects.filter(slug="lumen").exists()
    assert not Domain.objects.filter(domain="lumen.medspa.test").exists()


def test_cancel_refuses_a_finished_spa():
    spa = spa_provision(slug="lumen", **ARGS)

    with pytest.raises(ValidationError) as error:
        spa_provision_cancel(spa=spa)

    assert error.value.code == "SPA_NOT_PROVISIONING"
    assert schema_exists("spa_lumen")


def _in_threads(target, argument_sets) -> list:
    results: list = [None] * len(argument_sets)
    barrier = threading.Barrier(len(argument_sets))

    def run(index, arguments):
        try:
            barrier.wait()
            results[index] = target(**arguments)
        except Exception as exc:  # collected and asserted on below
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(argument_sets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_provisioning_of_different_spas():
    slugs = ["lumen-a", "lumen-b", "lumen-c", "lumen-d"]

    results = _in_threads(spa_provision, [{"slug": slug, **ARGS} for slug in slugs])

    assert [getattr(r, "status", r) for r in results] == ["active"] * 4
    assert all(schema_exists(f"spa_{slug.replace('-', '_')}") for slug in slugs)


def test_concurrent_provisioning_of_the_same_spa_makes_one():
    results = _in_threads(spa_provision, [{"slug": "lumen", **ARGS}] * 3)

    assert [getattr(r, "status", r) for r in results] == ["active"] * 3
    assert len({r.pk for r in results}) == 1
    assert Spa.objects.filter(slug="lumen").count() == 1


def test_clone_builds_the_same_schema_as_migrations(settings):
    settings.SPA_SCHEMA_STRATEGY = "migrate"
    spa_provision(slug="by-migrations", **ARGS)
    settings.SPA_SCHEMA_STRATEGY = "clone"
    spa_provision(slug="by-clone", **ARGS)

    migrated = _describe_schema("spa_by_migrations")
    cloned = _describe_schema("spa_by_clone")

    assert cloned == migrated
    assert migrated["constraints"]  # the comparison covered something
    assert migrated["indexes"]
    assert migrated["migrations"]


def test_template_is_remigrated_when_migrations_change():
    # given a template stamped for another set of migration files
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON SCHEMA \"_spa_template\" IS 'an older fingerprint'")
    assert not schema_template.template_is_current()

    # when a spa is provisioned
    spa_provision(slug="lumen", **ARGS)

    # then the template was brought up to date first
    assert schema_template.template_is_current()


def test_template_with_unsupported_objects_falls_back_to_migrations(caplog):
    with connection.cursor() as cursor:
        cursor.execute('CREATE VIEW "_spa_template".odd_view AS SELECT 1 AS one')
    schema_template._clone_script.cache_clear()
    try:
        spa = spa_provision(slug="lumen", **ARGS)
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP VIEW "_spa_template".odd_view')
        schema_template._clone_script.cache_clear()

    assert spa.status == SpaStatus.ACTIVE
    assert "running migrations instead" in caplog.text
    assert "profile_spaprofile" in _tables("spa_lumen")


def test_database_refuses_a_schema_name_not_derived_from_the_slug():
    with pytest.raises(IntegrityError), transaction.atomic():
        Spa.objects.create(
            slug="lumen", schema_name="public", name="x", timezone="UTC", owner_email="a@b.example"
        )


RICH_TEMPLATE_SQL = """
CREATE TABLE "_spa_template".zz_room (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name varchar(50) NOT NULL CONSTRAINT zz_room_name_not_blank CHECK (name <> ''),
    code varchar(10) NOT NULL CONSTRAINT zz_room_code_uniq UNIQUE,
    during int8range,
    CONSTRAINT zz_room_no_overlap EXCLUDE USING gist (during WITH &&)
);
CREATE INDEX zz_room_name_like ON "_spa_template".zz_room (name varchar_pattern_ops);
CREATE UNIQUE INDEX zz_room_lower_name ON "_spa_template".zz_room (lower(name)) WHERE code <> '';
CREATE TABLE "_spa_template".zz_booking (
    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    room_id bigint NOT NULL CONSTRAINT zz_booking_room_fk REFERENCES "_spa_template".zz_room (id)
        DEFERRABLE INITIALLY DEFERRED,
    note text NOT NULL DEFAULT 'none'
);
CREATE INDEX zz_booking_room ON "_spa_template".zz_booking (room_id);
INSERT INTO "_spa_template".zz_room (name, code) VALUES ('Laser room', 'L1'), ('Room 2', 'R2');
"""


def test_clone_copies_every_kind_of_table_object_under_its_own_name():
    # given a template with identity, check, unique, exclusion, expression and
    # partial indexes, a foreign key, defaults and seeded rows
    with connection.cursor() as cursor:
        cursor.execute(RICH_TEMPLATE_SQL)
    schema_template._clone_script.cache_clear()
    try:
        # when a spa is cloned from it
        spa_provision(slug="lumen", **ARGS)
        template = _describe_schema("_spa_template")
        cloned = _describe_schema("spa_lumen")
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO "spa_lumen".zz_room (name, code) VALUES (%s, %s) RETURNING id',
                ["Room 3", "R3"],
            )
            (new_id,) = cursor.fetchone()
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP TABLE "_spa_template".zz_booking, "_spa_template".zz_room')
        schema_template._clone_script.cache_clear()

    # then the clone matches the template object for object, name for name
    assert cloned == template
    assert {name for _, name, _ in template["indexes"]} >= {
        "zz_room_pkey",
        "zz_room_code_uniq",
        "zz_room_no_overlap",
        "zz_room_name_like",
        "zz_room_lower_name",
        "zz_booking_room",
    }
    assert "zz_booking_room_fk" in {name for _, name, _, _ in template["constraints"]}
    # and the copied rows did not reset the identity sequence
    assert new_id == 3


def test_provisioning_works_whatever_schema_the_connection_was_on(client_for):
    # given a connection left on a spa's schema (as after serving that spa)
    connection.set_tenant(Spa.objects.get(slug="glow"))

    spa = spa_provision(slug="lumen", **ARGS)

    assert spa.status == SpaStatus.ACTIVE
    assert schema_exists("spa_lumen")


def test_a_new_spa_never_adopts_the_schema_of_a_deleted_one():
    # given a spa whose row was deleted but whose schema (with its data) was kept
    old = spa_provision(slug="lumen", **ARGS)
    connection.set_tenant(old)
    SpaProfile.objects.update(contact_email="patients@old-lumen.example")
    connection.set_schema_to_public()
    Domain.objects.filter(tenant=old).delete()
    Spa.objects.filter(pk=old.pk).delete()

    # when someone else asks for the same address
    with pytest.raises(ValidationError) as error:
        spa_provision(slug="lumen", **{**ARGS, "owner_email": "new@owner.example"})

    # then it is refused, and the old data stays where it was
    assert error.value.error_dict["slug"][0].code == "SLUG_TAKEN"
    assert not Spa.objects.filter(slug="lumen").exists()
    with connection.cursor() as cursor:
        cursor.execute('SELECT contact_email FROM "spa_lumen".profile_spaprofile')
        assert cursor.fetchone() == ("patients@old-lumen.example",)
        cursor.execute('DROP SCHEMA "spa_lumen" CASCADE')


def test_a_foreign_schema_that_appears_after_registration_is_not_adopted():
    registered = _register_only()
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "spa_lumen"')  # no owner mark: not made for this spa

    with pytest.raises(ValidationError) as error:
        spa_provision(slug="lumen", **ARGS)

    assert error.value.code == "SCHEMA_NOT_OWNED"
    registered.refresh_from_db()
    assert registered.status == SpaStatus.PROVISIONING


def test_resumed_trial_spa_stays_trialing():
    _register_only(initial_status=SpaStatus.TRIALING)

    spa = spa_provision_resume(spa=Spa.objects.get(slug="lumen"))

    assert spa.status == SpaStatus.TRIALING


def test_clone_copies_tables_with_generated_columns():
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE "_spa_template".zz_price (cents int NOT NULL, '
            "dollars numeric GENERATED ALWAYS AS (cents / 100.0) STORED)"
        )
        cursor.execute('INSERT INTO "_spa_template".zz_price (cents) VALUES (1250)')
    schema_template._clone_script.cache_clear()
    try:
        spa_provision(slug="lumen", **ARGS)
        with connection.cursor() as cursor:
            cursor.execute('SELECT cents, dollars FROM "spa_lumen".zz_price')
            copied = cursor.fetchall()
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP TABLE "_spa_template".zz_price')
        schema_template._clone_script.cache_clear()

    assert [(cents, float(dollars)) for cents, dollars in copied] == [(1250, 12.5)]


@pytest.mark.parametrize(
    "sql",
    [
        'ALTER TABLE "_spa_template".profile_spaprofile ENABLE ROW LEVEL SECURITY',
        'CREATE RULE zz_no_delete AS ON DELETE TO "_spa_template".profile_spaprofile '
        "DO INSTEAD NOTHING",
    ],
)
def test_template_with_security_rules_falls_back_to_migrations(sql, caplog):
    undo = {
        "ENABLE": 'ALTER TABLE "_spa_template".profile_spaprofile DISABLE ROW LEVEL SECURITY',
        "RULE": 'DROP RULE zz_no_delete ON "_spa_template".profile_spaprofile',
    }["ENABLE" if "ENABLE" in sql else "RULE"]
    with connection.cursor() as cursor:
        cursor.execute(sql)
    schema_template._clone_script.cache_clear()
    try:
        spa = spa_provision(slug="lumen", **ARGS)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(undo)
        schema_template._clone_script.cache_clear()

    assert spa.status == SpaStatus.ACTIVE
    assert "running migrations instead" in caplog.text


def test_clone_follows_the_template_as_it_is_when_it_copies():
    # given a script cached for the template as it was
    spa_provision(slug="lumen-before", **ARGS)
    # when the template gains a table through a recorded migration (another process)
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE "_spa_template".zz_new (id bigint PRIMARY KEY)')
        cursor.execute(
            'INSERT INTO "_spa_template".django_migrations (app, name, applied) '
            "VALUES ('zz', '0001_new', now())"
        )
    try:
        spa_provision(slug="lumen-after", **ARGS)
        after = _tables("spa_lumen_after")
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP TABLE "_spa_template".zz_new')
            cursor.execute('DELETE FROM "_spa_template".django_migrations WHERE app = %s', ["zz"])
        schema_template._clone_script.cache_clear()

    # then the next clone has it (the cached script was not reused)
    assert "zz_new" in after


def test_clone_refuses_to_run_inside_a_transaction():
    with transaction.atomic(), pytest.raises(RuntimeError):
        schema_template.schema_clone_from_template("spa_lumen")
    assert not schema_exists("spa_lumen")


def test_migrate_skips_spas_still_provisioning():
    # given a spa that crashed before it had a schema
    _register_only()

    # when every spa is migrated, nothing fails
    call_command("migrate", interactive=False, verbosity=0)

    assert not schema_exists("spa_lumen")
