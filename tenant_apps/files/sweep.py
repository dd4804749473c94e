"""Objects without a row: what a request leaves when its transaction rolls back
after the files app wrote an object (a later step of a mutation refused).
Unreachable (no URL can name an object without a row) but kept until swept:
`manage.py files_sweep` deletes the current spa's orphans older than a day."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.files.storage import KEY_PATTERN, spa_storage


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
