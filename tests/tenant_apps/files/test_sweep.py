"""The orphan sweep: objects no row names (left by a rolled-back transaction)
are deleted once old enough; objects with a row never are; on both backends."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
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
from tenant_apps.files.sweep import SWEEP_TASK, files_orphans, files_sweep_fanout
from tenants.models import SpaStatus
from tests.jobs import queued_jobs, run_jobs
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


def test_a_daily_job_sweeps_each_spa_with_files_and_only_its_own(glow, radiance, stored_objects):
    # given an old orphan in each of two spas, a young one in glow, and a file with its row
    old = time.time() - 2 * 24 * 3600
    orphans = {}
    for spa in (glow, radiance):
        with tenant_context(spa):
            key = f"photo/{secrets.token_hex(16)}.png"
            spa_storage().save(key, ContentFile(png()))
            os.utime(spa_storage().path(key), (old, old))
            orphans[spa.schema_name] = key
    with tenant_context(glow):
        young = f"photo/{secrets.token_hex(16)}.png"
        spa_storage().save(young, ContentFile(png()))
        kept = file_store_bytes(
            data=png(),
            content_type="image/png",
            purpose=FilePurpose.PHOTO,
            client_id=None,
            actor=Actor.system("test"),
        )
        os.utime(spa_storage().path(kept.key), (old, old))

    # when the daily fan-out runs, then one sweep job per spa is queued
    started = files_sweep_fanout(timestamp=0)
    jobs = [j["args"]["spa_schema"] for j in queued_jobs(SWEEP_TASK)]
    assert started >= 2 and started == len(jobs)
    assert {glow.schema_name, radiance.schema_name} <= set(jobs)

    # and running them deletes each spa's old orphan, and nothing else
    done = [result for task, result in run_jobs() if task == SWEEP_TASK]
    assert sum(done) >= 2
    glow_keys = stored_objects.keys(glow.schema_name)
    radiance_keys = stored_objects.keys(radiance.schema_name)
    assert orphans[glow.schema_name] not in glow_keys
    assert orphans[radiance.schema_name] not in radiance_keys
    assert young in glow_keys and kept.key in glow_keys


def test_the_sweep_skips_spas_not_built_or_closed(glow, radiance):
    # given a closed spa
    status = radiance.status
    radiance.status = SpaStatus.CLOSED
    radiance.save(update_fields=["status"])
    try:
        # when the fan-out runs, then it starts no job for it
        files_sweep_fanout(timestamp=0)
        schemas = {j["args"]["spa_schema"] for j in queued_jobs(SWEEP_TASK)}
    finally:
        radiance.status = status
        radiance.save(update_fields=["status"])
    assert glow.schema_name in schemas and radiance.schema_name not in schemas
