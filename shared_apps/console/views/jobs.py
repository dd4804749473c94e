"""Background jobs: counts by status, failed jobs and stuck ones, each
retryable and cancellable (POST; audited in the platform audit log with the
change, in one transaction)."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from shared_apps.console.access import console_view
from shared_apps.console.audit import console_audit
from shared_apps.console.context import page
from shared_apps.console.models import ConsoleAction
from shared_apps.jobs.selectors import failed_jobs, job_counts, stuck_jobs
from shared_apps.jobs.services import JobNotActionable, job_cancel, job_retry
from tenants.models import Spa


@console_view()
def job_list(request: HttpRequest) -> HttpResponse:
    """The queue at a glance, then what needs a person."""
    return page(
        request,
        "console/job_list.html",
        {
            "counts": sorted(job_counts().items()),
            "failed": failed_jobs(),
            "stuck": stuck_jobs(),
            "nav": "jobs",
        },
    )


def _act(request: HttpRequest, job_id: int, *, action: str) -> HttpResponse:
    job = ProcrastinateJob.objects.filter(pk=job_id).first()
    schema = str((job.args or {}).get("spa_schema", "")) if job is not None else ""
    try:
        with transaction.atomic():
            before = (job_retry if action == ConsoleAction.JOB_RETRY else job_cancel)(job_id=job_id)
            console_audit(
                request=request,
                action=action,
                spa=Spa.objects.filter(schema_name=schema).first() if schema else None,
                detail={
                    "job_id": job_id,
                    "task": job.task_name if job is not None else "",
                    "from": before,
                },
            )
    except JobNotActionable as exc:
        messages.error(request, f"Job {job_id}: {exc}.")
    else:
        done = "put back in the queue" if action == ConsoleAction.JOB_RETRY else "cancelled"
        messages.success(request, f"Job {job_id} {done}.")
    return HttpResponseRedirect(reverse("console:jobs"))


@console_view(methods=("POST",))
def job_retry_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Run a failed or stuck job again now."""
    return _act(request, job_id, action=ConsoleAction.JOB_RETRY)


@console_view(methods=("POST",))
def job_cancel_view(request: HttpRequest, job_id: int) -> HttpResponse:
    """Cancel a waiting or failed job, or ask a running one to stop."""
    return _act(request, job_id, action=ConsoleAction.JOB_CANCEL)
