"""Provisioning a new spa from the console, with its progress and result.

The design, and why. There are no background workers, and console.js only
polls with GET (GETs never write). So the POST does the work itself:
`spa_provision` runs synchronously in the request (a template clone takes well
under a second; the plain-migrations fallback a few seconds), committing after
each step, then the browser is sent to `/console/provision/<slug>/`. That page
shows each step with its state and timing *read back from the database*
(shared_apps/console/progress.py), never from what the POST remembered, so it
is the truth after any failure, a crash, or a double submit, and for any staff
member who opens it. While another process is still provisioning the spa (it
holds the spa's provisioning lock), the steps list polls its fragment every
second until nothing more will change.

A failure mid-way leaves the spa in `provisioning` (503 on its host): the page
marks the step that failed and offers Resume (`spa_provision_resume`, opening
with the plan chosen in the resume form) and Cancel (`spa_provision_cancel`:
schema, domains and row removed). The audit entry commits with the spa's
opening (the `on_open` hook); a cancel is audited right after it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from shared_apps.accounts.emails import spa_base_url
from shared_apps.console import services
from shared_apps.console.access import console_view
from shared_apps.console.context import page
from shared_apps.console.forms import ProvisionForm, ResumeForm
from shared_apps.console.progress import provision_progress
from shared_apps.console.views.actions import error_text, form_error_text
from tenants.models import Spa, SpaStatus
from tenants.selectors import slug_availability

logger = logging.getLogger(__name__)

# The plan asked for, per slug, for the resume form's default (this browser only).
PLAN_ASKED = "console_provision_plan"

# spa_provision's field names -> the form's.
FORM_FIELDS = {"timezone": "timezone", "status": "start", "owner_email": "owner_email"}


def _progress_url(slug: str) -> str:
    return reverse("console:provision-progress", args=[slug])


def _remember_plan(request: HttpRequest, slug: str, plan: str) -> None:
    asked = dict(request.session.get(PLAN_ASKED, {}))
    asked[slug] = plan
    request.session[PLAN_ASKED] = dict(list(asked.items())[-20:])


def _form_refused(form: ProvisionForm, exc: ValidationError) -> None:
    """Put a service's refusal on the form, by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = FORM_FIELDS.get(field, field)
            for error in errors:
                form.add_error(target if target in form.fields else None, error.messages[0])
    else:
        form.add_error(None, error_text(exc))


@console_view(methods=("GET", "HEAD", "POST"))
def provision(request: HttpRequest) -> HttpResponse:
    """The form; its POST provisions the spa (see the module's docstring)."""
    form = ProvisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            spa = services.console_spa_provision(
                request=request,
                slug=data["slug"],
                name=data["name"],
                timezone_name=data["timezone"],
                owner_email=data["owner_email"],
                plan_code=data["plan"],
                status=data["start"],
            )
        except ValidationError as exc:
            left = Spa.objects.filter(slug=data["slug"], status=SpaStatus.PROVISIONING).first()
            if left is None:
                _form_refused(form, exc)
                return _form_page(request, form, status=400)
            spa, failure = left, error_text(exc)
        except Exception as exc:
            # Whatever broke (a lock timeout, the database), never a 500: the spa
            # (if registered) is left in provisioning, which the next page shows.
            logger.exception("console provisioning of %s failed", data["slug"])
            left = Spa.objects.filter(slug=data["slug"]).first()
            if left is None:
                form.add_error(
                    None,
                    f"Provisioning failed before the spa was registered ({type(exc).__name__}).",
                )
                return _form_page(request, form, status=400)
            spa, failure = left, type(exc).__name__
        else:
            failure = ""
        _remember_plan(request, spa.slug, data["plan"])
        if failure or spa.status == SpaStatus.PROVISIONING:
            messages.error(
                request,
                f"Provisioning {spa.slug} stopped ({failure or 'unfinished'}). "
                "Resume or cancel it below.",
            )
        else:
            _provisioned(request, spa)
        return HttpResponseRedirect(_progress_url(spa.slug))
    return _form_page(request, form, status=400 if request.method == "POST" else 200)


def _provisioned(request: HttpRequest, spa: Spa) -> None:
    status = spa.get_status_display().lower()
    messages.success(request, f"{spa.name} is provisioned and {status}.")


def _form_page(request: HttpRequest, form: ProvisionForm, *, status: int) -> HttpResponse:
    return page(
        request,
        "console/provision.html",
        {
            "form": form,
            "nav": "provision",
            "error_summary": form_error_text(form) if form.errors else "",
        },
        status=status,
    )


@console_view()
def provision_slug(request: HttpRequest) -> HttpResponse:
    """Whether a slug is free, for the form's live check (JSON)."""
    availability = slug_availability(slug=request.GET.get("slug", ""))
    return JsonResponse(
        {
            "slug": availability.slug,
            "available": availability.available,
            "message": availability.message or f"{availability.slug} is available.",
        }
    )


def _progress_context(request: HttpRequest, spa: Spa) -> dict[str, Any]:
    progress = provision_progress(spa=spa)
    base = spa_base_url(progress.spa)
    asked = request.session.get(PLAN_ASKED, {}).get(spa.slug)
    return {
        "spa": progress.spa,
        "progress": progress,
        "steps_url": reverse("console:provision-steps", args=[spa.slug]),
        "spa_url": f"{base}/",
        "graphql_url": f"{base}/graphql/",
        "resume_form": ResumeForm(initial={"plan": asked}) if progress.stalled else None,
        "nav": "provision",
    }


@console_view()
def provision_progress_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The steps of one spa's provisioning and the result (links to the spa)."""
    spa = get_object_or_404(Spa, slug=slug)
    return page(request, "console/provision_progress.html", _progress_context(request, spa))


@console_view()
def provision_steps(request: HttpRequest, slug: str) -> HttpResponse:
    """The steps list alone: what the page's poller reloads."""
    spa = get_object_or_404(Spa, slug=slug)
    return page(request, "console/provision_steps.html", _progress_context(request, spa))


@console_view(methods=("POST",))
def provision_resume(request: HttpRequest, slug: str) -> HttpResponse:
    """Finish a spa left in provisioning, opening it with the plan chosen."""
    spa = get_object_or_404(Spa, slug=slug)
    form = ResumeForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_error_text(form))
        return HttpResponseRedirect(_progress_url(slug))
    if spa.status != SpaStatus.PROVISIONING:
        messages.info(request, f"{spa.name} is open already ({spa.get_status_display().lower()}).")
        return HttpResponseRedirect(_progress_url(slug))
    try:
        spa = services.console_spa_provision_resume(
            request=request, spa=spa, plan_code=form.cleaned_data["plan"]
        )
    except ValidationError as exc:
        messages.error(request, f"Resuming stopped: {error_text(exc)}")
    except Exception as exc:
        logger.exception("console resume of %s failed", slug)
        messages.error(request, f"Resuming stopped ({type(exc).__name__}). Try again, or cancel.")
    else:
        _provisioned(request, spa)
    return HttpResponseRedirect(_progress_url(slug))


@console_view(methods=("POST",))
def provision_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    """Remove a spa that never opened: its schema, domains and row."""
    spa = get_object_or_404(Spa, slug=slug)
    try:
        services.console_spa_provision_cancel(request=request, spa=spa)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return HttpResponseRedirect(_progress_url(slug))
    except Exception as exc:
        logger.exception("console cancel of %s failed", slug)
        messages.error(request, f"Cancelling failed ({type(exc).__name__}). Try again.")
        return HttpResponseRedirect(_progress_url(slug))
    messages.success(request, f"{slug} was cancelled: its schema, domains and record are gone.")
    return HttpResponseRedirect(reverse("console:provision"))
