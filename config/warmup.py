"""A web process loads the whole application before its first request, then
keeps the garbage collector off what it loaded (config/wsgi.py; with gunicorn's
preload_app, this runs once in the master, before the workers fork)."""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings


def load_and_freeze() -> None:
    """Import both URL confs now, and with them the GraphQL schemas (the largest
    structures a process holds), rather than during the first request; then
    move every object alive into the collector's permanent generation
    (`gc.freeze`).

    A request of the API allocates tens of thousands of objects, so a full
    collection runs every few dozen requests; without the freeze each one walks
    every long-lived object of Django and the schemas (about 140,000) and adds
    tens of milliseconds to the request it lands in (bench/RESULTS.md, "Hot
    path"). With preload_app the workers also keep sharing those pages with
    the master instead of copying them when a collection touches them (see
    the documentation of gc.freeze)."""
    for urlconf in {settings.ROOT_URLCONF, getattr(settings, "PUBLIC_SCHEMA_URLCONF", None)}:
        if urlconf:
            import_module(urlconf)
    gc.collect()  # what is garbage already is not kept for good
    gc.freeze()
