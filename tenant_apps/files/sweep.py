"""Objects without a row: what a request leaves when its transaction rolls back
after the files app wrote an object (a later step of a mutation refused).
Unreachable (no URL can name an object without a row) but kept until swept:
daily, `files.sweep_fanout` starts one `files.sweep` job per spa that holds
files, which deletes that spa's orphans older than a day; `manage.py
files_sweep` does the same at once (or lists them, `--dry-run`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from procrastinate.contrib.django import app

from shared_apps.jobs.spa import defer_in_each_spa, spa_task
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.files.storage import KEY_PATTERN, spa_storage
from tenants.models import Spa, SpaStatus

logger = logging.getLogger(__name__)

SWEEP_TASK = "files.sweep"
# An orphan younger than this may belong to a transaction still running.
SWEEP_AGE = dt.timedelta(hours=24)
# Spas whose storage may hold orphans: all but those not built yet or closed
# (a closed spa's jobs are skipped; its files go with its closing).
SWEPT_EXCLUDED = (SpaStatus.PROVISIONING, SpaStatus.CLOSED)


def files_orphans(*, older_than: dt.timedelta, delete: bool) -> list[str]:
    """The keys in the current spa's storage that no StoredFile names and that
    were written before `older_than` ago (a younger one may belong to a
    transaction still running); deleted when `delete`."""
    storage = spa_storage()
    cutoff = timezone.now() - older_than
    found: list[str] = []
    for purpose in FilePurpose.values:
        try:
            _folders, names = storage.listdir(purpose)
        except FileNotFoundError:
            continue
        keys = [f"{purpose}/{name}" for name in names if KEY_PATTERN.fullmatch(f"{purpose}/{name}")]
        known = set(StoredFile.objects.filter(key__in=keys).values_list("key", flat=True))
        for key in keys:
            if key in known or storage.get_modified_time(key) > cutoff:
                continue
            found.append(key)
            if delete:
                storage.delete(key)
    return found


@spa_task(name=SWEEP_TASK, atomic=False)
def files_sweep_spa(*, hours: int | None = None) -> int:
    """One spa's sweep (the connection is on it): how many objects it deleted.
    Not atomic: it only reads rows, and holds no transaction while listing."""
    older_than = dt.timedelta(hours=hours) if hours is not None else SWEEP_AGE
    deleted = len(files_orphans(older_than=older_than, delete=True))
    if deleted:
        logger.info("files sweep deleted objects without a row", extra={"count": deleted})
    return deleted


@app.periodic(cron="41 3 * * *", periodic_id="files_sweep")
@app.task(name="files.sweep_fanout", queue="platform", queueing_lock="files.sweep_fanout")
def files_sweep_fanout(timestamp: int) -> int:
    """Daily: one `files.sweep` job per spa that may hold files; how many."""
    spas = Spa.objects.exclude(status__in=SWEPT_EXCLUDED).only("pk", "schema_name")
    return defer_in_each_spa(files_sweep_spa, spas)
