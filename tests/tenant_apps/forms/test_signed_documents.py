"""The signed document's job (tenant_apps/forms/document_tasks.py) and the
patient's copy link (tenant_apps/forms/copies.py, copy_pages.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import F
from django_tenants.utils import tenant_context

from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.files.services import file_open
from tenant_apps.forms.document_tasks import RENDER_TASK, render_signed_document
from tenant_apps.forms.models import DocumentLink, SignedDocument
from tenant_apps.forms.signing import pdf_verify, signing_identity
from tenant_apps.messaging.models import Message, MessageKind
from tenants.db import connection
from tests.shared_apps.accounts.ids import global_id
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.pdf_text import pdf_text
from tests.tenant_apps.forms.signed_setup import DOB, a_consent_version, a_signed_response

DOWNLOAD = "/forms/copy/download"


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    # The download is rate limited per address (the cache counts across tests).
    cache.clear()
    yield
    cache.clear()


def _run_job(response_id: int) -> None:
    render_signed_document(spa_schema=connection.schema_name, response_id=response_id)


def _signed(spa):
    """A signed response of `spa` with its document rendered; (response, token)."""
    with tenant_context(spa):
        client = ClientFactory(date_of_birth=DOB)
        response = a_signed_response(client=client, version=a_consent_version())
        _run_job(response.pk)
        message = Message.objects.get(kind=MessageKind.FORMS_COPY, client=client)
        token = message.values["forms_link"].split("#", 1)[1]
    return response, token


@pytest.mark.spa("glow")
def test_recording_a_signed_response_defers_the_job_by_its_name():
    # given a signed consent recorded through the forms service
    response = a_signed_response(
        client=ClientFactory(date_of_birth=DOB), version=a_consent_version()
    )

    # then the job named in the deferral is this one, for that response
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT args->>'response_id' FROM public.procrastinate_jobs WHERE task_name = %s "
            "AND args->>'spa_schema' = %s",
            [RENDER_TASK, connection.schema_name],
        )
        deferred = [row[0] for row in cursor.fetchall()]
    assert str(response.pk) in deferred
    assert render_signed_document.name == RENDER_TASK


@pytest.mark.spa("glow")
def test_the_job_signs_stores_and_queues_the_patients_copy():
    # given a patient's signed consent
    client = ClientFactory(date_of_birth=DOB)
    response = a_signed_response(client=client, version=a_consent_version())

    # when the job runs
    _run_job(response.pk)

    # then the response has its signed document, stored as the client's file
    document = SignedDocument.objects.select_related("file").get(response=response)
    assert document.file.purpose == FilePurpose.SIGNED_DOCUMENT
    assert document.file.client_id == client.pk
    assert document.file.content_type == "application/pdf"
    assert document.certificate_sha256 == signing_identity().certificate_sha256
    # and the stored PDF verifies, and shows the evidence
    data = file_open(document.file)
    assert pdf_verify(data).ok
    text = pdf_text(data)
    assert "Signer's printed name\nZoë Nguyễn" in text
    assert "203.0.113.7" in text
    assert f"Document hash (sha256)\n{response.document_hash}" in text
    assert f"Hash of what was shown (sha256)\n{response.shown_hash}" in text
    assert f"Response id\n{response.pk}" in text
    assert "Consent to use electronic records and signatures" in text
    assert "Signed by MedSpa Platform on behalf of Glow Aesthetics." in text
    # and the patient's copy is queued by email, its link on the spa's host
    message = Message.objects.get(kind=MessageKind.FORMS_COPY, client=client)
    assert message.channel == "email"
    link = message.values["forms_link"]
    assert link.startswith("https://glow.medspa.test/forms/copy#")
    link_row = DocumentLink.objects.get(response=response)
    assert link_row.expires_at - link_row.created_at == dt.timedelta(days=7)
    # and nothing of the patient is in the message itself
    assert "Zoë" not in message.body and "Nguyễn" not in str(message.values)


@pytest.mark.spa("glow")
def test_the_job_is_idempotent():
    # given a signed response whose job has run
    client = ClientFactory(date_of_birth=DOB)
    response = a_signed_response(client=client, version=a_consent_version())
    _run_job(response.pk)
    first = SignedDocument.objects.get(response=response)

    # when it runs again (a retry, a second deferral)
    _run_job(response.pk)

    # then nothing more is made: one document, one PDF, one link, one email
    assert SignedDocument.objects.get(response=response) == first
    assert (
        StoredFile.objects.filter(client=client, purpose=FilePurpose.SIGNED_DOCUMENT).count() == 1
    )
    assert DocumentLink.objects.filter(response=response).count() == 1
    assert Message.objects.filter(kind=MessageKind.FORMS_COPY, client=client).count() == 1


@pytest.mark.spa("glow")
@pytest.mark.parametrize("missing", [{"email": ""}, {"date_of_birth": None}])
def test_a_client_without_email_or_birth_date_gets_no_copy_link_but_the_document_is_signed(
    missing,
):
    # given a client with no email address, or no date of birth to check
    client = ClientFactory(**{"date_of_birth": DOB, **missing})
    response = a_signed_response(client=client, version=a_consent_version())

    # when the job runs
    _run_job(response.pk)

    # then the document exists, and no link or message was made
    assert SignedDocument.objects.filter(response=response).exists()
    assert not DocumentLink.objects.filter(response=response).exists()
    assert not Message.objects.filter(kind=MessageKind.FORMS_COPY, client=client).exists()


@pytest.mark.spa("glow")
def test_the_job_for_a_missing_response_does_nothing():
    _run_job(987654321)
    assert not SignedDocument.objects.filter(response_id=987654321).exists()


# --- the copy page -----------------------------------------------------------------


def test_the_copy_page_asks_for_the_date_of_birth_under_a_strict_csp(glow, client_for):
    # when the page is opened (the token stays in the fragment, never sent)
    page = client_for(glow).get("/forms/copy")

    # then it is the form, with our script only, never framed or cached
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="date_of_birth"' in body and 'name="token"' in body
    assert '<script src="/forms/copy/assets/copy.js?v=' in body
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]
    script = client_for(glow).get("/forms/copy/assets/copy.js")
    assert script.status_code == 200


def test_the_right_date_of_birth_downloads_the_signed_pdf_audited(glow, client_for):
    # given a signed document and its emailed link
    response, token = _signed(glow)

    # when the patient posts the token and their date of birth
    answer = client_for(glow).post(DOWNLOAD, {"token": token, "date_of_birth": DOB.isoformat()})

    # then the signed PDF downloads, and verifies
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"] == 'attachment; filename="signed-form.pdf"'
    assert pdf_verify(answer.content).ok
    # and the read is audited as a view of the client's record by the link's holder
    with tenant_context(glow):
        entry = AuditEntry.objects.filter(actor_role="patient:copy").latest("seq")
        assert entry.action == AuditAction.VIEW
        assert entry.client_ids == [response.client_id]
        assert DocumentLink.objects.get(response=response).last_downloaded_at is not None


def test_a_wrong_date_of_birth_counts_and_the_fifth_closes_the_link(glow, client_for):
    # given a signed document's link
    response, token = _signed(glow)
    http = client_for(glow)
    wrong = {"token": token, "date_of_birth": "1990-01-01"}

    # when a wrong date of birth is posted four times
    answers = [http.post(DOWNLOAD, wrong) for _ in range(4)]

    # then each is refused (403, tries left shown, no PDF), and counted
    assert [a.status_code for a in answers] == [403, 403, 403, 403]
    assert "1 try left" in answers[-1].content.decode()
    assert all(a["Content-Type"].startswith("text/html") for a in answers)
    with tenant_context(glow):
        assert DocumentLink.objects.get(response=response).failed_checks == 4

    # when the fifth is wrong too, even the right date no longer opens it
    fifth = http.post(DOWNLOAD, wrong)
    right = http.post(DOWNLOAD, {"token": token, "date_of_birth": DOB.isoformat()})
    assert fifth.status_code == 404 and right.status_code == 404
    assert "This link is not valid" in right.content.decode()
    with tenant_context(glow):
        link = DocumentLink.objects.get(response=response)
        assert link.revoked_at is not None and link.last_downloaded_at is None
        assert not AuditEntry.objects.filter(actor_role="patient:copy").exists()


def test_an_expired_or_unknown_link_shows_nothing(glow, client_for):
    # given a signed document's link, expired
    response, token = _signed(glow)
    with tenant_context(glow):
        DocumentLink.objects.filter(response=response).update(
            created_at=F("created_at") - dt.timedelta(days=8),
            expires_at=F("expires_at") - dt.timedelta(days=8),
        )
    http = client_for(glow)

    # when it is used with the right date of birth, or an unknown token is
    expired = http.post(DOWNLOAD, {"token": token, "date_of_birth": DOB.isoformat()})
    unknown = http.post(DOWNLOAD, {"token": "x" * 43, "date_of_birth": DOB.isoformat()})
    empty = http.post(DOWNLOAD, {"date_of_birth": DOB.isoformat()})

    # then each gets the same "link not valid" page, with no form and no file
    for answer in (expired, unknown, empty):
        assert answer.status_code == 404
        body = answer.content.decode()
        assert "This link is not valid" in body and 'name="date_of_birth"' not in body
    with tenant_context(glow):
        assert DocumentLink.objects.get(response=response).failed_checks == 0


def test_a_missing_date_of_birth_is_a_bad_request_not_a_try(glow, client_for):
    response, token = _signed(glow)
    answer = client_for(glow).post(DOWNLOAD, {"token": token, "date_of_birth": "21/09/1986"})
    assert answer.status_code == 400
    assert "Enter your date of birth." in answer.content.decode()
    with tenant_context(glow):
        assert DocumentLink.objects.get(response=response).failed_checks == 0


def test_a_copy_link_of_one_spa_shows_nothing_on_another_spas_host(glow, radiance, client_for):
    # given glow's signed document and its link
    response, token = _signed(glow)

    # when the token and the right date of birth are posted to radiance's host
    answer = client_for(radiance).post(DOWNLOAD, {"token": token, "date_of_birth": DOB.isoformat()})

    # then radiance shows "not valid", and glow's link is untouched and unread
    assert answer.status_code == 404
    assert b"%PDF" not in answer.content
    with tenant_context(glow):
        link = DocumentLink.objects.get(response=response)
        assert link.failed_checks == 0 and link.last_downloaded_at is None
        assert not AuditEntry.objects.filter(actor_role="patient:copy").exists()
    with tenant_context(radiance):
        assert not AuditEntry.objects.filter(actor_role="patient:copy").exists()


def test_the_download_answers_only_posts(glow, client_for):
    assert client_for(glow).get(DOWNLOAD).status_code == 405


# --- staff: the signed PDF through the spa API -------------------------------------

URL_QUERY = "query ($id: ID!) { signedDocumentUrl(responseId: $id) }"
RESPONSE_QUERY = (
    "query ($id: ID!) { formResponse(id: $id) { signedDocument { renderedAt certificateSha256 } } }"
)


def test_a_member_reads_the_signed_pdf_through_a_short_lived_url(glow, signed_in):
    # given a signed response with its document
    response, _token = _signed(glow)
    staff = signed_in(glow, "front_desk")
    response_id = global_id(glow, "FormResponse", response.pk)

    # when a member asks for its address, and the response's document
    answer = staff.graphql(URL_QUERY, {"id": response_id})
    detail = staff.graphql(RESPONSE_QUERY, {"id": response_id})

    # then the address is the files view's, and serves the signed PDF to them
    url = answer.data["signedDocumentUrl"]
    assert url.startswith("/files/")
    pdf = staff.get(url)
    assert pdf.status_code == 200
    assert pdf_verify(b"".join(pdf.streaming_content)).ok
    # and the response shows when it was rendered, and by which certificate
    document = detail.data["formResponse"]["signedDocument"]
    assert document["renderedAt"]
    assert document["certificateSha256"] == signing_identity().certificate_sha256
    # and asking is logged as a view of the client, by the member
    with tenant_context(glow):
        entry = AuditEntry.objects.filter(actor_user_id=staff.membership.user_id).latest("seq")
        assert entry.action == AuditAction.VIEW and entry.client_ids == [response.client_id]


def test_no_url_before_the_pdf_is_rendered(glow, signed_in):
    # given a signed response whose job has not run yet
    with tenant_context(glow):
        response = a_signed_response(
            client=ClientFactory(date_of_birth=DOB), version=a_consent_version()
        )
    staff = signed_in(glow, "front_desk")
    response_id = global_id(glow, "FormResponse", response.pk)

    # then there is no address, and no document
    assert staff.graphql(URL_QUERY, {"id": response_id}).data["signedDocumentUrl"] is None
    detail = staff.graphql(RESPONSE_QUERY, {"id": response_id})
    assert detail.data["formResponse"]["signedDocument"] is None


def test_a_signed_document_of_one_spa_is_unreachable_from_another(glow, radiance, signed_in):
    # given glow's signed response and a member of radiance
    response, _token = _signed(glow)
    response_id = global_id(glow, "FormResponse", response.pk)
    outsider = signed_in(radiance, "owner")

    # when radiance's member asks with glow's ID
    answer = outsider.graphql(URL_QUERY, {"id": response_id})

    # then nothing is found, and nothing is logged in either spa
    assert not answer.errors and answer.data["signedDocumentUrl"] is None
    for spa in (glow, radiance):
        with tenant_context(spa):
            assert not AuditEntry.objects.filter(
                actor_user_id=outsider.membership.user_id, action=AuditAction.VIEW
            ).exists()


LIST_QUERY = """
query ($client: ID!, $first: Int!) {
  clientFormResponses(clientId: $client, first: $first) {
    edges { node { decision signedDocument { renderedAt } } }
  }
}
"""


def test_a_clients_responses_with_their_documents_take_a_constant_number_of_queries(
    glow, signed_in, django_assert_num_queries
):
    # given a client with three signed responses, each rendered
    with tenant_context(glow):
        client = ClientFactory(date_of_birth=DOB)
        version = a_consent_version()
        for _ in range(3):
            _run_job(a_signed_response(client=client, version=version).pk)
        client_id = global_id(glow, "Client", client.pk)
    staff = signed_in(glow, "front_desk")
    staff.graphql(LIST_QUERY, {"client": client_id, "first": 1})  # warm: routing, token

    # then one page or three, with their documents, is the same queries: the
    # token, the client's existence, the audit insert, the page with its
    # documents joined
    with django_assert_num_queries(4):
        one = staff.graphql(LIST_QUERY, {"client": client_id, "first": 1})
    with django_assert_num_queries(4):
        three = staff.graphql(LIST_QUERY, {"client": client_id, "first": 3})

    assert len(one.data["clientFormResponses"]["edges"]) == 1
    nodes = [edge["node"] for edge in three.data["clientFormResponses"]["edges"]]
    assert len(nodes) == 3 and all(node["signedDocument"]["renderedAt"] for node in nodes)


def test_too_many_tries_from_one_address_are_refused(glow, client_for, settings):
    # given the rate of the patients' forms pages, spent from one address
    settings.BOOKING_RATES = {**settings.BOOKING_RATES, "forms": "3/m"}
    http = client_for(glow)
    tries = [
        http.post(DOWNLOAD, {"token": "x" * 43, "date_of_birth": "1990-01-01"}) for _ in range(4)
    ]

    # then the next is refused before any link is looked at
    assert [t.status_code for t in tries] == [404, 404, 404, 429]
    assert "Too many tries" in tries[-1].content.decode()


@pytest.mark.spa("glow")
def test_the_signed_documents_record_is_never_changed_or_deleted():
    # given a response whose document the platform signed
    response = a_signed_response(
        client=ClientFactory(date_of_birth=DOB), version=a_consent_version()
    )
    _run_job(response.pk)
    document = SignedDocument.objects.get(response=response)

    # when anyone tries to point it at another file, or to delete it, the database refuses
    for change in (
        lambda: SignedDocument.objects.filter(pk=document.pk).update(certificate_sha256="0" * 64),
        lambda: SignedDocument.objects.filter(pk=document.pk).delete(),
    ):
        with (
            pytest.raises(DatabaseError, match="signed form records are never changed"),
            transaction.atomic(),
        ):
            change()

    # then it is as the job wrote it
    assert SignedDocument.objects.get(pk=document.pk) == document
    document.refresh_from_db()
    assert document.certificate_sha256 == signing_identity().certificate_sha256
