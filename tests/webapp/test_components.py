"""The web app's own tests (Vitest and Testing Library, webapp/src/**/*.test.ts[x]),
run here so that bin/test runs them: codegen from the committed SDL, then
`vitest run`. Also checks that the app type-checks against that SDL (tsc)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

WEBAPP = Path(settings.BASE_DIR) / "webapp"
NPM = Path(sys.executable).with_name("npm")


def npm(*args: str) -> subprocess.CompletedProcess[str]:
    if not (WEBAPP / "node_modules").is_dir():
        pytest.fail("webapp/node_modules is missing: run bin/webapp-build (bin/test does)")
    env = {**os.environ, "PATH": f"{NPM.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.update({"TZ": "Europe/London", "CI": "true", "NO_COLOR": "1", "FORCE_COLOR": "0"})
    return subprocess.run(  # noqa: S603 (our own npm, fixed arguments)
        [str(NPM), *args],
        cwd=WEBAPP,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_component_tests_pass():
    run = npm("test", "--silent")

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]


def test_the_app_type_checks_against_the_committed_schema():
    codegen = npm("run", "--silent", "codegen")
    assert codegen.returncode == 0, codegen.stdout[-4000:] + codegen.stderr[-4000:]
    run = npm("run", "--silent", "typecheck")

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
