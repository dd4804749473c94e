"""Rendering a console page: the layout's needs added to the page's context."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from shared_apps.console.assets import ASSETS

# The top navigation: (key, label, URL name). A page passes its key as `nav`.
NAVIGATION = [
    ("spas", "Spas", "console:spas"),
    ("provision", "Provision a spa", "console:provision"),
    ("webhooks", "Stripe events", "console:webhooks"),
    ("jobs", "Jobs", "console:jobs"),
    ("audit", "Audit log", "console:audit"),
]


def _navigation() -> list[dict[str, str]]:
    items = []
    for key, label, url_name in NAVIGATION:
        try:
            items.append({"key": key, "label": label, "url": reverse(url_name)})
        except NoReverseMatch:  # a section not wired in this build
            continue
    return items


def page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    """Render a console template with the asset URLs and the idle timeout (the
    page's script sends the browser to the sign-in page once it has passed)."""
    layout = {
        "console_css": ASSETS.url("console.css"),
        "console_js": ASSETS.url("console.js"),
        "idle_timeout": settings.CONSOLE_IDLE_TIMEOUT,
        "root_domain": settings.ROOT_DOMAIN,
        "messages": get_messages(request),
        "console_nav": _navigation(),
    }
    return render(request, template, {**layout, **(context or {})}, status=status)
