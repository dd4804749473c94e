"""How long a new spa takes: template clone against plain migrations.

    .venv/bin/python bench/provisioning.py [--clones 40] [--migrations 10] [--library 5]

Runs on a throw-away embedded PostgreSQL with fsync on (or DATABASE_URL: use a
scratch database). Prints, for the schema alone and for the whole spa_provision:
- clone: our catalog clone of the template schema (tenants/schema_template.py);
- migrations: CREATE SCHEMA and every tenant migration;
- django-tenants clone: the library's clone_schema() plus `migrate_schemas --fake`,
  the TENANT_BASE_SCHEMA / TENANT_CREATION_FAKES_MIGRATIONS way.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial

from _django import setup, summary, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clones", type=int, default=40)
    parser.add_argument("--migrations", type=int, default=10)
    parser.add_argument("--library", type=int, default=5)
    parser.add_argument(
        "--synthetic-tables",
        type=int,
        default=60,
        help="then add this many tables to the template (each with a primary key, a foreign "
        "key, a unique constraint, an index and a check) and clone again: the size of a full "
        "product schema",
    )
    args = parser.parse_args()
    setup()

    from django.conf import settings
    from django.core.management import call_command
    from django_tenants.clone import CloneSchema

    from shared_apps.lifecycle.services import spa_provision
    from tenants import schema_template
    from tenants.db import connection

    template = schema_template.template_schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", [template])
        (tables,) = cursor.fetchone()
    print(f"tenant tables per spa: {tables}; PostgreSQL: {connection.pg_version}")
    print()

    def migrate_schema(name: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{name}"')
        call_command(
            "migrate_schemas", tenant=True, schema_name=name, interactive=False, verbosity=0
        )
        connection.set_schema_to_public()

    def library_clone(name: str) -> None:
        CloneSchema().clone_schema(template, name, "DATA")
        call_command(
            "migrate_schemas",
            tenant=True,
            fake=True,
            schema_name=name,
            interactive=False,
            verbosity=0,
        )
        connection.set_schema_to_public()

    def measure(label: str, n: int, run: Callable[[int], object]) -> None:
        """Run `run(0..n-1)`, each timed, and print the label with the figures."""
        seconds = [timed(partial(run, i)) for i in range(n)]
        print(f"  {label:<30}{summary(seconds)}")

    first = timed(lambda: schema_template.schema_clone_from_template("bench_first"))
    print("Schema only")
    print(f"  clone, first in process (generates the script)   {first * 1000:8.1f} ms")
    measure(
        "clone", args.clones, lambda i: schema_template.schema_clone_from_template(f"bench_c{i}")
    )
    measure("migrations", args.migrations, lambda i: migrate_schema(f"bench_m{i}"))
    measure("django-tenants clone", args.library, lambda i: library_clone(f"bench_l{i}"))

    def provision(slug: str) -> None:
        spa_provision(
            slug=slug, name="Bench Spa", timezone_name="UTC", owner_email="o@bench.example"
        )

    print()
    print("Whole spa_provision (Spa row, domain, schema, status; each step committed)")
    settings.SPA_SCHEMA_STRATEGY = "clone"
    measure("clone strategy", args.clones, lambda i: provision(f"bench-clone-{i}"))
    settings.SPA_SCHEMA_STRATEGY = "migrate"
    measure("migrate strategy", args.migrations, lambda i: provision(f"bench-migrate-{i}"))
    settings.SPA_SCHEMA_STRATEGY = "clone"

    if not args.synthetic_tables:
        return
    _add_synthetic_tables(connection, template, args.synthetic_tables)
    schema_template._clone_script.cache_clear()
    timed(lambda: schema_template.schema_clone_from_template("bench_sfirst"))
    print()
    print(
        f"Template grown to {tables + args.synthetic_tables} tables (synthetic; migrations "
        "cannot build them, so only clones are compared)"
    )
    measure(
        "schema: clone",
        args.clones,
        lambda i: schema_template.schema_clone_from_template(f"bench_sc{i}"),
    )
    measure("schema: django-tenants clone", args.library, lambda i: library_clone(f"bench_sl{i}"))
    measure("whole spa_provision (clone)", args.clones, lambda i: provision(f"bench-big-{i}"))


def _add_synthetic_tables(connection, template: str, count: int) -> None:
    with connection.cursor() as cursor:
        for i in range(count):
            parent = (
                f', parent_id bigint REFERENCES "{template}".synthetic_{i - 1}(id) '
                "DEFERRABLE INITIALLY DEFERRED"
                if i
                else ""
            )
            cursor.execute(
                f'''CREATE TABLE "{template}".synthetic_{i} (
                    id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                    name varchar(100) NOT NULL CHECK (length(name) > 0),
                    code varchar(20) NOT NULL UNIQUE,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    notes text NOT NULL DEFAULT \'\'{parent})'''
            )
            cursor.execute(
                f'CREATE INDEX synthetic_{i}_created ON "{template}".synthetic_{i} (created_at)'
            )


if __name__ == "__main__":
    main()
