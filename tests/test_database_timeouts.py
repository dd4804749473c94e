"""Statement and idle-in-transaction timeouts per kind of process (core/database.py)."""

import pytest
from django.db import OperationalError, connection
from django.db.utils import ConnectionHandler

from core.database import TIMEOUTS_MS, process_role


@pytest.mark.parametrize(
    ("argv", "role"),
    [
        (["manage.py", "runserver", "127.0.0.1:8000"], "web"),
        (["/srv/app/manage.py", "worker"], "job"),
        (["manage.py", "migrate"], "command"),
        (["manage.py"], "command"),
        (["/usr/bin/pytest", "runserver"], "command"),
    ],
)
def test_the_role_comes_from_the_command(monkeypatch, argv, role):
    monkeypatch.delenv("MEDSPA_PROCESS_ROLE", raising=False)
    assert process_role(argv) == role


def test_the_environment_names_the_role_and_a_wrong_one_is_refused(monkeypatch):
    monkeypatch.setenv("MEDSPA_PROCESS_ROLE", "job")
    assert process_role(["manage.py", "runserver"]) == "job"
    monkeypatch.setenv("MEDSPA_PROCESS_ROLE", "webb")
    with pytest.raises(ValueError, match="MEDSPA_PROCESS_ROLE must be one of"):
        process_role(["manage.py"])


def _one_off_connection(**timeouts):
    settings = {**connection.settings_dict, **timeouts}
    return ConnectionHandler({"default": settings})["default"]


@pytest.mark.django_db
def test_the_test_process_runs_with_the_command_timeouts():
    statement, idle = TIMEOUTS_MS["command"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'),"
            " current_setting('idle_in_transaction_session_timeout')"
        )
        assert cursor.fetchone() == (f"{statement // 3_600_000}h", f"{idle // 60_000}min")


@pytest.mark.django_db
def test_a_statement_past_the_timeout_is_cancelled_by_postgresql():
    # given a connection made with a web process's kind of settings, shortened
    web = _one_off_connection(STATEMENT_TIMEOUT_MS=200, IDLE_IN_TRANSACTION_TIMEOUT_MS=400)
    try:
        with web.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            assert cursor.fetchone() == ("200ms",)
            cursor.execute("SHOW idle_in_transaction_session_timeout")
            assert cursor.fetchone() == ("400ms",)
            # when a statement runs longer, then PostgreSQL cancels it
            with pytest.raises(OperationalError, match="statement timeout"):
                cursor.execute("SELECT pg_sleep(2)")
    finally:
        web.close()
