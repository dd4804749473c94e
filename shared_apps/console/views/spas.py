"""The spas: the list (the console's home) and one spa's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from shared_apps.console.access import console_view
from shared_apps.console.context import page
from tenants.models import Spa


@console_view()
def spa_list(request: HttpRequest) -> HttpResponse:
    """Every spa (to be built out: search, filters, figures, chart)."""
    return page(request, "console/spa_list.html", {"spas": Spa.objects.all()[:50], "nav": "spas"})


@console_view()
def spa_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One spa (to be built out)."""
    spa = get_object_or_404(Spa, slug=slug)
    return page(request, "console/spa_detail.html", {"spa": spa, "nav": "spas"})
