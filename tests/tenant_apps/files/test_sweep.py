"""The orphan sweep: objects no row names (left by a rolled-back transaction)
are deleted once old enough; objects with a row never are; on both backends."""

from __future__ import annotations

import datetime as dt
import secrets
from io import StringIO

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.management import call_command
from django_tenants.utils import tenant_context

from tenant_apps.audit.services import Actor
from tenant_apps.files.models import FilePurpose
from tenant_apps.files.services import file_store_bytes
from tenant_apps.files.storage import spa_storage
from tenant_apps.files.sweep import files_orphans
from tests.tenant_apps.files.samples import png

FUTURE = dt.timedelta(minutes=-5)  # "older than 5 minutes from now": everything


def test_objects_without_a_row_are_swept_and_the_others_kept(files_backend, glow):
    with tenant_context(glow):
        kept = file_store_bytes(
            data=png(),
            content_type="image/png",
            purpose=FilePurpose.PHOTO,
            client_id=None,
            actor=Actor.system("test"),
        )
        orphan = f"photo/{secrets.token_hex(16)}.png"
        spa_storage().save(orphan, ContentFile(png()))

        # a young orphan is left alone (its transaction may still be running)
        assert orphan not in files_orphans(older_than=dt.timedelta(hours=1), delete=True)
        # an old one goes; the file with a row stays
        swept = files_orphans(older_than=FUTURE, delete=True)

    assert orphan in swept and kept.key not in swept
    keys = files_backend.keys(glow.schema_name)
    assert orphan not in keys and kept.key in keys


@pytest.mark.parametrize("path", ["..", "../spa_radiance", "photo/..", "/", ""])
def test_only_a_purposes_folder_is_listed(files_backend, glow, path):
    with tenant_context(glow), pytest.raises(SuspiciousFileOperation):
        spa_storage().listdir(path)


def test_the_command_sweeps_every_spa(glow, radiance):
    out = StringIO()
    call_command("files_sweep", "glow", "radiance", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == ["glow", "radiance"]
    assert all("would delete" in line for line in lines)
