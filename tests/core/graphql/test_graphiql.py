"""GraphiQL from the project's own files (core/graphql/graphiql.py): the page
works offline and under a same-origin Content-Security-Policy."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from playwright.sync_api import Page

from core.graphql.graphiql import ASSETS, SCRIPTS, STYLESHEETS

# The Subresource Integrity hashes graphene-django 3.2.3 gives for the same files
# on the CDN: the copies kept here are those files, byte for byte.
CDN_INTEGRITY = {
    "graphiql.min.js": "sha256-n/LKaELupC1H/PU6joz+ybeRJHT2xCdekEt6OYMOOZU=",
    "graphiql.min.css": "sha256-OsbM+LQHcnFHi0iH7AUKueZvDcEBoy/z4hJ7jx1cpsM=",
    "react.production.min.js": "sha256-Ipu/TQ50iCCVZBUsZyNJfxrDk0E2yhaEIz0vqI+kFG8=",
    "react-dom.production.min.js": "sha256-nbMykgB6tsOFJ7OdVmPpdqMFVk4ZsqWocT6issAPUF0=",
    "graphiql-plugin-explorer.umd.js": "sha256-3hUuhBXdXlfCj6RTeEkJFtEh/kUG+TCDASFpFPLrzvE=",
}


@pytest.mark.parametrize(("name", "integrity"), sorted(CDN_INTEGRITY.items()))
def test_the_kept_files_are_the_published_ones(name, integrity):
    digest = hashlib.sha256((ASSETS.directory / name).read_bytes()).digest()
    assert f"sha256-{base64.b64encode(digest).decode()}" == integrity


@pytest.mark.parametrize("host", ["spa", "root"])
def test_a_browser_gets_the_page_with_only_same_origin_files(glow, client_for, settings, host):
    settings.GRAPHIQL = True
    client = client_for(glow if host == "spa" else "medspa.test")

    page = client.get("/graphql/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html and "https://" not in html and "http://" not in html
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(sources) == len(SCRIPTS) + len(STYLESHEETS)
    for source in sources:
        assert source.startswith("/graphiql/")
        asset = client.get(source)
        assert asset.status_code == 200 and asset["Cache-Control"].endswith("immutable")
    policy = page["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self';" in policy
    assert "connect-src 'self';" in policy


def test_without_the_setting_a_browser_gets_json(glow, client_for, settings):
    settings.GRAPHIQL = False
    page = client_for(glow).get("/graphql/", HTTP_ACCEPT="text/html")
    assert page.status_code == 400 and page["Content-Type"] == "application/json"


def test_graphiql_runs_a_query_with_no_network_but_this_server(
    glow, committing, live_server_on_spa_hosts, chromium, settings
):
    settings.GRAPHIQL = True
    url = live_server_on_spa_hosts.url("glow", "/graphql/")

    def steps(page: Page) -> str:
        # every request to another origin fails, as it would offline
        page.route(
            re.compile(r"^(?!" + re.escape(url.rsplit("/graphql/", 1)[0]) + ")"),
            lambda route: route.abort(),
        )
        page.goto(url)
        editor = page.locator(".graphiql-query-editor .CodeMirror")
        editor.wait_for()
        page.evaluate(
            "document.querySelector('.graphiql-query-editor .CodeMirror')"
            ".CodeMirror.setValue('{ spa { slug } }')"
        )
        page.locator(".graphiql-execute-button").click()
        result = page.locator(".graphiql-response .CodeMirror-code")
        result.get_by_text('"glow"').wait_for()
        return result.inner_text()

    shown = chromium.run(steps)
    assert '"slug": "glow"' in shown.replace("\u200b", "")
