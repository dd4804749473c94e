from collections.abc import Iterator

import pytest
from procrastinate.contrib.django import app

from shared_apps.jobs.spa import spa_task
from tenant_apps.forms.services.responses import RENDER_TASK


@pytest.fixture(autouse=True)
def render_task() -> Iterator[str]:
    """The PDF job is esign's (deferred here by name). Until that app is in the
    build, a stand-in of the same name lets the defer be seen in the queue."""
    if RENDER_TASK in app.tasks:
        yield RENDER_TASK
        return
    spa_task(name=RENDER_TASK)(lambda **kwargs: None)
    try:
        yield RENDER_TASK
    finally:
        app.tasks.pop(RENDER_TASK, None)
