"""`manage.py spa` for a newcomer: one clear line when the database is not ready,
and the URLs it prints on the port the dev server listens on."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def empty_database_url(django_db_setup, django_db_blocker):
    """A database on the test server with nothing in it (`migrate` never ran)."""
    with django_db_blocker.unblock():
        db = connection.settings_dict
    name = f"medspa_empty_{uuid.uuid4().hex[:8]}"
    server = {"user": db["USER"], "host": db["HOST"], "port": db["PORT"], "dbname": db["NAME"]}
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{db['USER']}@{quote(str(db['HOST']), safe='')}:{db['PORT']}/{name}"
    with psycopg.connect(**server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _spa(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": database_url,
    }
    return subprocess.run(  # noqa: S603 (our own command)
        [sys.executable, "manage.py", "spa", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("create", "lumen", "--name", "Lumen", "--owner-email", "o@lumen.example"),
        ("list",),
        ("status", "lumen", "suspended"),
    ],
)
def test_spa_before_migrate_says_so_in_one_line(empty_database_url, args):
    # given a database `migrate` never ran on; when a spa verb runs
    result = _spa(*args, database_url=empty_database_url)

    # then it exits non-zero with one line naming the command to run
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "run `.venv/bin/python manage.py migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_spa_on_an_unreachable_database_says_so_in_one_line():
    result = _spa("list", database_url="postgres://nobody@127.0.0.1:9/medspa")

    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("CommandError: Cannot reach the database")


def test_spa_on_a_migrated_database_runs(db, capsys):
    call_command("spa", "list")

    assert "radiance" in capsys.readouterr().out


def test_spa_urls_name_the_dev_server_port(db, settings, capsys):
    # given the dev server on 8123 (config/settings/dev.py sets DEV_SERVER_PORT)
    settings.DEV_SERVER_PORT = 8123

    call_command("spa", "list")

    assert "http://glow.medspa.test:8123/graphql/" in capsys.readouterr().out


def _dev_port(*argv: str, port: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/medspa",  # settings only, no connection
    }
    if port is not None:
        env["PORT"] = port
    script = (
        f"import sys; sys.argv = {['manage.py', *argv]!r}; "
        "from django.conf import settings; print(settings.DEV_SERVER_PORT)"
    )
    result = subprocess.run(  # noqa: S603 (our own settings)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_dev_settings_take_the_port_from_port_or_from_runserver():
    assert _dev_port("spa", "list", port="8123") == "8123"
    assert _dev_port("runserver", "127.0.0.1:8124", port=None) == "8124"
    assert _dev_port("runserver", "--noreload", "8125", port=None) == "8125"
    assert _dev_port("runserver", "8126", port="8127") == "8127"
