"""GraphiQL, the in-browser IDE each GraphQL endpoint shows a browser (when
settings.GRAPHIQL is on), from files the project serves itself.

graphene-django's page loads GraphiQL, React and the explorer plugin from a CDN,
so offline, or behind a strict Content-Security-Policy, it is a blank page.
The same files (the versions and Subresource Integrity hashes graphene-django
3.2.3 names, checked by tests/core/graphql/test_graphiql.py) are kept in
core/graphql/graphiql_assets/ with their licences, and served by `graphiql_asset`.
"""

from __future__ import annotations

from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html, format_html_join

from core.assets import AssetFolder

SCRIPTS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql-plugin-explorer.umd.js",
    "start.js",
)
STYLESHEETS = ("graphiql.min.css", "graphiql-plugin-explorer.css")
ASSETS = AssetFolder(
    Path(__file__).parent / "graphiql_assets", SCRIPTS + STYLESHEETS, "graphiql-asset"
)
graphiql_asset = ASSETS.view

# GraphiQL's editor (CodeMirror) sets style attributes: styles from this origin
# and inline ones; scripts, requests, fonts and images from this origin only.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


def graphiql_page(request: HttpRequest) -> HttpResponse:
    """The GraphiQL page for the endpoint at `request.path`."""
    styles = format_html_join(
        "", '<link rel="stylesheet" href="{}">', ((ASSETS.url(name),) for name in STYLESHEETS)
    )
    scripts = format_html_join(
        "", '<script src="{}"></script>', ((ASSETS.url(name),) for name in SCRIPTS)
    )
    body = format_html(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>GraphiQL</title>{}</head>"
        "<body style='margin:0'><div id='graphiql' data-endpoint='{}' "
        "style='height:100vh'></div>{}</body></html>",
        styles,
        request.path,
        scripts,
    )
    response = HttpResponse(body)
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "no-store"
    return response
