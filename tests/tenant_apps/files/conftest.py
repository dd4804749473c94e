"""Fixtures of the files tests: the moto S3 server (one per session) and a
`files_backend` fixture that runs a test against both storages."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.s3 import MotoS3, moto_s3


@pytest.fixture(scope="session")
def s3_server() -> Iterator[MotoS3]:
    server = moto_s3()
    yield server
    server.stop()


class Objects:
    """What the current storage holds for a spa schema (keys), whichever backend."""

    def __init__(self, backend: str, s3: MotoS3 | None) -> None:
        self.backend = backend
        self.s3 = s3

    def keys(self, schema_name: str) -> set[str]:
        if self.backend == "s3":
            assert self.s3 is not None
            prefix = f"{schema_name}/"
            return {key.removeprefix(prefix) for key in self.s3.keys(prefix)}
        root = Path(django_settings.FILES_ROOT) / schema_name
        return {
            str(Path(folder, name).relative_to(root))
            for folder, _dirs, names in os.walk(root)
            for name in names
        }


@pytest.fixture(params=["local", "s3"])
def files_backend(request, settings) -> Objects:
    """Run the test once on the local folder and once on moto's S3."""
    if request.param == "s3":
        s3 = request.getfixturevalue("s3_server")
        for name, value in s3.settings.items():
            setattr(settings, name, value)
        return Objects("s3", s3)
    return Objects("local", None)


@pytest.fixture
def stored_objects() -> Objects:
    """The local backend's objects (tests that do not switch backends)."""
    return Objects("local", None)
