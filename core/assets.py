"""A page's own scripts and stylesheets, served by the project itself.

Nothing in front of the process serves static files (spa hosts and the console
alike), and the pages' Content-Security-Policy allows only same-origin scripts;
so each app that has pages keeps its assets in a folder and serves them with
`AssetFolder.view`, under URLs versioned by content (`AssetFolder.url`), which
browsers may then cache for good.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str
    version: str


class AssetFolder:
    """The files `names` of `directory`, served by the URL named `url_name`
    (which takes the file's name as its one argument)."""

    def __init__(self, directory: Path, names: tuple[str, ...], url_name: str) -> None:
        self.directory = directory
        self.names = frozenset(names)
        self.url_name = url_name
        self._cached = cache(self._read)
        self.view = require_safe(self._serve)

    def _read(self, name: str) -> Asset:
        body = (self.directory / name).read_bytes()
        content_type = CONTENT_TYPES[Path(name).suffix]
        return Asset(body, content_type, hashlib.sha256(body).hexdigest()[:12])

    def get(self, name: str) -> Asset:
        """The asset (read once per process; every time with DEBUG, for editing)."""
        if name not in self.names:
            raise Http404("No such file.")
        return self._read(name) if settings.DEBUG else self._cached(name)

    def url(self, name: str) -> str:
        """The asset's URL, versioned by its content (so it may be cached for good)."""
        return f"{reverse(self.url_name, args=[name])}?v={self.get(name).version}"

    def _serve(self, request: HttpRequest, name: str) -> HttpResponse:
        found = self.get(name)
        etag = f'"{found.version}"'
        if request.headers.get("If-None-Match") == etag:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(found.body, content_type=found.content_type)
        response["ETag"] = etag
        response["Cache-Control"] = (
            "public, max-age=31536000, immutable"
            if request.GET.get("v") == found.version
            else "no-cache"
        )
        return response
