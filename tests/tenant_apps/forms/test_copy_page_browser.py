"""The patient's copy page in a real browser (headless Chromium against a live
server, tests/browser.py): the token leaves the address bar, a wrong date of
birth is refused with the tries left, the right one downloads the signed PDF.
The page logs no error, and its CSP refuses nothing."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from shared_apps.lifecycle.services import spa_provision
from tenant_apps.forms.document_tasks import signed_document_create
from tenant_apps.forms.models import DocumentLink
from tenant_apps.forms.signing import pdf_verify
from tenant_apps.messaging.models import Message, MessageKind
from tenants.models import Spa
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.signed_setup import DOB, a_consent_version, a_signed_response
from tests.tenant_apps.locations.factories import on_spa

_spa_numbers = count(1)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def own_spa(committing, mailoutbox) -> Spa:
    n = next(_spa_numbers)
    return spa_provision(
        slug=f"copy-{n}",
        name=f"Copy Spa {n}",
        timezone_name="America/Chicago",
        owner_email=f"owner@copy-{n}.example",
    )


def test_the_patient_downloads_their_signed_copy(
    own_spa, live_server_on_spa_hosts, chromium, tmp_path
):
    # given a signed consent whose PDF the job rendered, and its emailed link
    with on_spa(own_spa):
        client = ClientFactory(date_of_birth=DOB)
        response = a_signed_response(client=client, version=a_consent_version())
        signed_document_create(response_id=response.pk)
        token = Message.objects.get(kind=MessageKind.FORMS_COPY).values["forms_link"].split("#")[1]
    link = live_server_on_spa_hosts.url(own_spa.slug, f"/forms/copy#{token}")
    saved = tmp_path / "copy.pdf"

    def steps(page: Page) -> dict[str, str]:
        page.goto(link)
        expect(page.get_by_label("Date of birth")).to_be_visible()
        address = page.evaluate("location.href")
        page.get_by_label("Date of birth").fill("1990-01-01")
        page.get_by_role("button", name="Download the PDF").click()
        expect(page.get_by_role("alert")).to_contain_text("4 tries left")
        page.get_by_label("Date of birth").fill(DOB.isoformat())
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the PDF").click()
        download.value.save_as(saved)
        return {"address": address, "filename": download.value.suggested_filename}

    shown = chromium.run(steps)

    # then the token left the address bar, and the file is the signed PDF
    assert shown["address"] == live_server_on_spa_hosts.url(own_spa.slug, "/forms/copy")
    assert shown["filename"] == "signed-form.pdf"
    assert pdf_verify(Path(saved).read_bytes()).ok
    with on_spa(own_spa):
        link_row = DocumentLink.objects.get(response=response)
    assert link_row.failed_checks == 1 and link_row.last_downloaded_at is not None
