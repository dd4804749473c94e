"""The project as a whole: layout rules, settings, committed artifacts."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pgserver
import pytest
from django.core.management import call_command

from core import database
from core.database import TENANT_ENGINE, database_settings, embedded_server, stop_embedded

ROOT = Path(__file__).resolve().parents[1]


def test_stdlib_imports_work_from_the_repo_root():
    # a package named `platform` here would shadow the standard library's; plain
    # files in platform/ (gunicorn's config) cannot
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import uuid, platform; print(platform.system(), platform.__file__)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    system, location = result.stdout.split()
    assert system and not location.startswith(str(ROOT))
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_database_url_is_used_when_set(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://medspa:s3cret@db.internal:6432/medspa_prod")

    config = database_settings(data_dir=None)

    assert config["ENGINE"] == TENANT_ENGINE
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.internal",
        6432,
        "medspa_prod",
        "medspa",
    )


@pytest.fixture
def scratch_dir():
    """A directory for a scratch cluster, outside pytest's tmp_path: pytest resets
    its base to mode 0700 whenever a session starts, and the server runs as
    another user (pgserver, when tests run as root)."""
    path = Path(tempfile.mkdtemp(prefix="medspa-scratch-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_database_url_may_name_a_unix_socket(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://medspa@%2Fvar%2Frun%2Fpostgresql/medspa")

    config = database_settings(data_dir=None)

    assert (config["HOST"], config["NAME"]) == ("/var/run/postgresql", "medspa")


def test_embedded_postgres_is_used_when_unset(monkeypatch, scratch_dir):
    monkeypatch.delenv("DATABASE_URL", raising=False)

    config = database_settings(data_dir=scratch_dir / "pg", name="medspa_probe")

    assert config["ENGINE"] == TENANT_ENGINE
    assert Path(config["HOST"]).exists()  # the Unix socket directory of a running server
    import psycopg

    with psycopg.connect(
        dbname="medspa_probe", user="postgres", host=config["HOST"], port=config["PORT"]
    ) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    server = embedded_server(scratch_dir / "pg")
    assert server is not None
    stop_embedded(server)
    assert not (scratch_dir / "pg" / "postmaster.pid").exists()  # removed by a clean shutdown


def test_committed_graphql_sdl_matches_the_code(db):
    call_command("graphql_sdl", check=True)  # raises CommandError when a file drifted


def test_no_model_change_lacks_a_migration(db):
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)


def test_spa_command_reports_bad_input_clearly(db):
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match=r"slug: That slug is reserved by the platform\. \[SLUG_RESERVED\]"
    ):
        call_command(
            "spa", "create", "admin", "--name", "Admin Spa", "--owner-email", "a@b.example"
        )


def test_spa_command_creates_lists_and_suspends(committing, capsys):
    call_command(
        "spa",
        "create",
        "lumen",
        "--name",
        "Lumen",
        "--owner-email",
        "o@lumen.example",
        "--timezone",
        "Europe/Paris",
    )
    call_command("spa", "status", "lumen", "suspended", "--reason", "test")
    call_command("spa", "list")

    out = capsys.readouterr().out
    assert "lumen is active" in out
    assert "http://lumen.medspa.test/graphql/" in out
    assert "lumen is suspended." in out
    assert "lumen                    suspended" in out


def test_orphaned_throwaway_clusters_are_reaped(monkeypatch, scratch_dir):
    # given a throw-away cluster whose only owner process has died (killed before
    # its exit hooks could stop it)
    monkeypatch.setattr(database.tempfile, "gettempdir", lambda: str(scratch_dir))
    orphan = scratch_dir / f"{database.EPHEMERAL_PREFIX}orphan"
    orphan.mkdir()
    postmaster = pgserver.get_server(orphan, cleanup_mode=None).get_postmaster_info().process
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    (orphan / ".handle_pids.json").write_text(json.dumps([int(dead.stdout)]))

    # when a new throw-away cluster is about to be made
    database._reap_orphaned_clusters()

    # then the orphan's server has stopped and its files are gone
    postmaster.wait(timeout=10)
    assert not orphan.exists()


KILLED_WHILE_SAVING = """
import os, signal, sys
from pathlib import Path
from pgserver.utils import DiskList
from core.database import make_handle_lists_crash_safe
if sys.argv[2] == "fixed":
    make_handle_lists_crash_safe()
path = Path(sys.argv[1])
real_write, real_replace = Path.write_text, os.replace
def write_then_die(self, data, *args, **kwargs):
    real_write(self, data[: len(data) // 2], *args, **kwargs)  # a part of it is on disk
    if self == path:
        os.kill(os.getpid(), signal.SIGKILL)
def die_before_rename(*args):
    os.kill(os.getpid(), signal.SIGKILL)
Path.write_text = write_then_die
os.replace = die_before_rename
DiskList(path).put([11, 12, 13])
"""


@pytest.mark.parametrize("version", ["pgserver", "fixed"])
def test_a_process_killed_while_saving_the_handle_list_leaves_it_readable(tmp_path, version):
    # given a cluster's handle list held by one process
    handles = tmp_path / ".handle_pids.json"
    handles.write_text(json.dumps([11]))

    # when another process is SIGKILLed in the middle of rewriting it (as runserver's
    # autoreloader does to its child on SIGTERM)
    killed = subprocess.run(  # noqa: S603 (our own script)
        [sys.executable, "-c", KILLED_WHILE_SAVING, str(handles), version],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert killed.returncode == -9, killed.stderr

    # then pgserver's own in-place write has left it broken, and ours has left it
    # as it was
    if version == "pgserver":
        with pytest.raises(ValueError):
            json.loads(handles.read_text())
    else:
        assert json.loads(handles.read_text()) == [11]


def test_a_handle_list_broken_by_an_older_run_reads_as_empty(tmp_path):
    from pgserver.utils import DiskList

    # given a handle list left empty by a process killed mid-write before the fix
    handles = tmp_path / ".handle_pids.json"
    handles.write_text("")

    # when a process opens the cluster, it reads no owner instead of failing
    database.make_handle_lists_crash_safe()
    assert DiskList(handles).get_and_add(4242) == []
    assert json.loads(handles.read_text()) == [4242]


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        (
            "GRAPHQL_MAX_COST",
            "lots-and-lots",
            "GRAPHQL_MAX_COST is set to something that is not a valid int",
        ),
        (
            "DB_STATEMENT_TIMEOUT_MS",
            "5s",
            "DB_STATEMENT_TIMEOUT_MS is set to something that is not a valid int",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_it_and_not_its_value(variable, value, says):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", variable: value},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"manage.py: {says}"]
    assert value not in result.stderr
