"""How Django serves the web app on a spa's host (config/webapp.py): the shell
for any /app/ path under a strict policy, the content-hashed files, the spa's
root page, and the emailed paths leading to the app's pages."""

from __future__ import annotations

import gzip
import re

import pytest

from config.webapp import CONTENT_SECURITY_POLICY


@pytest.fixture
def built(settings):
    """The app as `bin/webapp-build` left it (bin/test builds it first)."""
    index = settings.WEBAPP_DIST / "index.html"
    assert index.is_file(), "webapp/dist is missing: run bin/webapp-build (bin/test does)"
    return index.read_text()


@pytest.mark.parametrize("path", ["/app/", "/app/calendar", "/app/clients/Q2xpZW50OjE=/x"])
def test_every_app_path_is_the_shell_under_a_strict_policy(glow, client_for, built, path):
    response = client_for(glow).get(path)

    assert response.status_code == 200
    assert response.content.decode() == built
    policy = response["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in policy and "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.cookies == {}
    # the shell holds no inline script: every script is a file of this host
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", built)


def test_the_built_files_are_served_cached_for_good_and_gzipped(glow, client_for, built):
    client = client_for(glow)
    names = re.findall(r'/app/assets/([^"]+\.(?:js|css))', built)
    assert names, built

    for name in names:
        plain = client.get(f"/app/assets/{name}")
        zipped = client.get(f"/app/assets/{name}", HTTP_ACCEPT_ENCODING="gzip, br")
        assert plain.status_code == 200
        assert plain["Cache-Control"] == "public, max-age=31536000, immutable"
        assert zipped["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.content) == plain.content


@pytest.mark.parametrize("name", ["nope.js", "..%2Fsettings.py", "index.html", "x.py"])
def test_other_names_are_not_found(glow, client_for, built, name):
    assert client_for(glow).get(f"/app/assets/{name}").status_code == 404


def test_the_spa_root_leads_staff_to_sign_in_and_visitors_to_booking(glow, radiance, client_for):
    page = client_for(glow).get("/")

    assert page.status_code == 200
    text = page.content.decode()
    assert glow.name in text and radiance.name not in text
    assert 'href="/app/"' in text and 'href="/booking/"' in text
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/accept-invitation?token=inv_abc", "/app/accept-invitation?token=inv_abc"),
        ("/reset-password?uid=MQ&token=x-y", "/app/reset-password?uid=MQ&token=x-y"),
        ("/billing", "/app/settings/billing"),
    ],
)
def test_the_emailed_paths_lead_to_the_apps_pages(glow, client_for, path, target):
    response = client_for(glow).get(path)

    assert response.status_code == 302
    assert response["Location"] == target
    assert response["Referrer-Policy"] == "no-referrer"


def test_without_a_build_the_shell_says_so(glow, client_for, settings, tmp_path):
    settings.WEBAPP_DIST = tmp_path

    response = client_for(glow).get("/app/")

    assert response.status_code == 503
    assert b"bin/webapp-build" in response.content


def test_an_unknown_host_gets_a_small_page_not_the_app(db, client_for):
    response = client_for("nowhere.medspa.test").get("/app/")

    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_the_shell_holds_nothing_of_a_spa(glow, radiance, client_for, built):
    # every spa's host serves the same bytes: what a spa's staff see comes from
    # the API, with a token bound to that spa (a glow token is refused at radiance:
    # tests/shared_apps/accounts), and the browser keeps it per host
    at_glow = client_for(glow).get("/app/calendar")
    at_radiance = client_for(radiance).get("/app/calendar")

    assert at_glow.content == at_radiance.content
    for spa in (glow, radiance):
        assert spa.name.encode() not in at_glow.content
        assert spa.slug.encode() not in at_glow.content


def test_the_patients_forms_page_is_the_second_page_under_the_same_policy(
    glow, radiance, client_for, settings
):
    # given the build's second page (webapp/forms.html)
    forms = (settings.WEBAPP_DIST / "forms.html").read_text()

    # when a patient opens their link (the token stays in the fragment)
    at_glow = client_for(glow).get("/forms/fill")
    at_radiance = client_for(radiance).get("/forms/fill")

    # then the page, the same on every host, under the app's strict policy
    assert at_glow.status_code == 200
    assert at_glow.content.decode() == forms == at_radiance.content.decode()
    assert at_glow["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert at_glow["Referrer-Policy"] == "no-referrer"
    assert at_glow["Cache-Control"] == "no-store"
    assert at_glow.cookies == {}
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", forms)
    assert glow.name.encode() not in at_glow.content
    names = re.findall(r'/app/assets/([^"]+\.(?:js|css))', forms)
    assert names and all(client_for(glow).get(f"/app/assets/{n}").status_code == 200 for n in names)


def test_the_forms_page_takes_only_get(glow, client_for):
    assert client_for(glow).post("/forms/fill").status_code == 405
