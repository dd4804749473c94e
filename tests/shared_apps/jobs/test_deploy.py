"""platform/fly.toml gives a stopping worker more time than it takes to finish
the jobs in hand, so a deploy never kills a job mid-send."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

from shared_apps.jobs.management.commands.worker import Command

FLY_TOML = Path(__file__).resolve().parents[3] / "platform" / "fly.toml"


def _grace(command_line: str) -> float:
    arguments = shlex.split(command_line)
    options = Command().create_parser("manage.py", "worker").parse_args(arguments[3:])
    return float(options.grace)


def test_fly_waits_longer_than_the_workers_grace_before_killing_it():
    fly = tomllib.loads(FLY_TOML.read_text(encoding="utf-8"))
    worker = fly["processes"]["worker"]
    assert worker.startswith("python manage.py worker")

    assert fly.get("kill_signal", "SIGINT") in ("SIGTERM", "SIGINT")
    assert fly.get("kill_timeout", 5) >= _grace(worker) + 10
