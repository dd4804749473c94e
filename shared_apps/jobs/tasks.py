"""The platform's own periodic jobs (autodiscovered by Procrastinate's Django app)."""

from __future__ import annotations

import logging

from procrastinate import JobContext
from procrastinate.contrib.django import app
from procrastinate.manager import JobManager

logger = logging.getLogger(__name__)

# A worker that has not written its heartbeat for this long is taken for dead
# (workers write it every 10 s by default).
STALLED_AFTER_SECONDS = 60


@app.periodic(cron="* * * * *", periodic_id="retry_stalled_jobs")
@app.task(name="jobs.retry_stalled", queue="platform", pass_context=True, queueing_lock="stalled")
async def retry_stalled_jobs(context: JobContext, timestamp: int) -> int:
    """Jobs left "doing" by a worker that died (killed, its machine gone) go
    back to the queue. Their handlers are idempotent: a job run twice acts once
    (tenant_apps/messaging/sending.py)."""
    return await put_back_stalled_jobs(context.app.job_manager)


async def put_back_stalled_jobs(
    manager: JobManager, *, after_seconds: float = STALLED_AFTER_SECONDS
) -> int:
    """Put the jobs of workers silent for `after_seconds` back in the queue; how many."""
    stalled = list(await manager.get_stalled_jobs(seconds_since_heartbeat=after_seconds))
    for job in stalled:
        await manager.retry_job(job)
    if stalled:
        logger.warning("stalled jobs put back", extra={"count": len(stalled)})
    return len(stalled)
