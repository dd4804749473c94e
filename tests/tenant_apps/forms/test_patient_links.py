"""A patient's forms link through the public booking endpoint: opening it with
the date of birth, sending forms with an e-signature, and every way a link
shows nothing (tenant_apps/forms/links.py, patient.py, graphql/patient.py)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.graphql.relay import to_global_id
from shared_apps.accounts.secrets import digest
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.files.models import FilePurpose, StoredFile
from tenant_apps.forms.disclosure import DISCLOSURE_VERSION, disclosure_text
from tenant_apps.forms.hashing import document_hash, shown_hash
from tenant_apps.forms.links import form_request_issue
from tenant_apps.forms.models import FormRequest, FormRequestItem, FormResponse, Signature
from tests.tenant_apps.forms.links_setup import DOB, a_visit, png_data_url
from tests.tenant_apps.online_booking.online import booking
from tests.tenant_apps.scheduling.factories import on_spa

STAFF = Actor(user_id=None, role="system:test")

OPEN = """
query Open($token: String!, $dob: Date!) {
  formRequest(token: $token, dateOfBirth: $dob) {
    expiresAt spaName firstName tablet
    forms { itemId versionId title kind schema contentHash answered }
    disclosure { version text }
  }
}
"""
SUBMIT = """
mutation Submit($token: String!, $dob: Date!, $item: ID!, $answers: JSONString!,
  $decision: PatientFormDecision, $scope: PatientPhotoScope, $signature: ElectronicSignatureInput) {
  submitFormResponse(token: $token, dateOfBirth: $dob, itemId: $item, answers: $answers,
    decision: $decision, photoScope: $scope, signature: $signature) {
    errors { field code message }
    completed
    form { itemId answered }
  }
}
"""


_settings: dict[str, Any] = {}


def issued(spa, *, fresh: bool = False, **kwargs: Any):
    """A visit and its email link; the spa's forms and desk are made once per test
    (`fresh`: anew)."""
    with on_spa(spa):
        setting = None if fresh else _settings.get(spa.schema_name)
        visit = a_visit(setting=setting, **kwargs)
        _settings[spa.schema_name] = visit.setting
        request, token = form_request_issue(
            appointment_id=visit.appointment.pk, channel="email", actor=STAFF
        )
    return visit, request, token


@pytest.fixture(autouse=True)
def _fresh_settings():
    _settings.clear()
    yield
    _settings.clear()


def open_link(http, token: str, dob: dt.date = DOB, **extra: Any):
    return booking(http, OPEN, {"token": token, "dob": dob.isoformat()}, **extra)


def signature(**changes: Any) -> dict[str, Any]:
    return {
        "typedName": "Ava Patient",
        "drawnImage": png_data_url(),
        "acceptElectronicRecords": True,
        "disclosureVersion": DISCLOSURE_VERSION,
        "intent": True,
        **changes,
    }


def submit(http, token: str, item: str, answers: dict[str, Any], dob: dt.date = DOB, **kw: Any):
    variables = {
        "token": token,
        "dob": dob.isoformat(),
        "item": item,
        "answers": json.dumps(answers),
        **kw,
    }
    return booking(
        http, SUBMIT, variables, HTTP_USER_AGENT="PhoneBrowser/1.0", REMOTE_ADDR="198.51.100.7"
    )


def forms_by_kind(answer) -> dict[str, dict[str, Any]]:
    return {f["kind"]: f for f in answer.data["formRequest"]["forms"]}


def test_a_link_opened_with_the_date_of_birth_shows_the_forms_and_only_a_first_name(
    glow, client_for
):
    # given a link to an appointment's two outstanding forms
    visit, _request, token = issued(glow)
    http = client_for(glow)

    # when the patient opens it with their date of birth
    answer = open_link(http, token)

    # then they see the spa, their first name, both forms and the disclosure
    assert answer.errors == []
    shown = answer.data["formRequest"]
    assert shown["spaName"] == glow.name
    assert shown["firstName"] == visit.client.first_name
    assert visit.client.last_name not in json.dumps(shown)
    assert shown["tablet"] is False
    assert sorted(f["title"] for f in shown["forms"]) == ["Brief intake", "Toxin consent"]
    consent = forms_by_kind(answer)["CONSENT"]
    assert consent["contentHash"] == visit.consent_version.content_hash
    assert json.loads(consent["schema"]) == visit.consent_version.schema
    assert consent["answered"] is False
    assert shown["disclosure"]["version"] == DISCLOSURE_VERSION
    assert "paper" in shown["disclosure"]["text"]
    # and the opening is audited against the client, by the link's holder
    with on_spa(glow):
        entry = AuditEntry.objects.order_by("-seq").first()
        assert entry.action == AuditAction.VIEW
        assert entry.client_ids == [visit.client.pk]
        assert entry.actor_role == "patient:link"


def test_unknown_expired_used_and_revoked_links_all_show_nothing_alike(glow, client_for):
    # given links of every kind of dead
    _, expired, expired_token = issued(glow)
    _, used, used_token = issued(glow)
    _, revoked, revoked_token = issued(glow)
    with on_spa(glow):
        now = timezone.now()
        FormRequest.objects.filter(pk=expired.pk).update(
            created_at=now - dt.timedelta(hours=30), expires_at=now - dt.timedelta(hours=6)
        )
        FormRequest.objects.filter(pk=used.pk).update(completed_at=now)
        FormRequest.objects.filter(pk=revoked.pk).update(revoked_at=now)
    http = client_for(glow)

    # when each is opened with the right date of birth
    answers = [
        open_link(http, token)
        for token in (expired_token, used_token, revoked_token, "not-a-token", "x" * 500)
    ]

    # then all say the same thing, and show nothing
    for answer in answers:
        assert answer.error_codes == ["LINK_INVALID"]
        assert answer.data is None
        assert answer.errors[0]["message"] == "This link is not valid."


def test_wrong_dates_of_birth_are_counted_and_revoke_the_link_at_the_limit(glow, client_for):
    # given a link
    _, request, token = issued(glow)
    http = client_for(glow)
    wrong = dt.date(1990, 1, 1)

    # when the wrong date is tried up to the limit
    codes = [
        open_link(http, token, wrong).error_codes
        for _ in range(settings.FORMS_LINK_MAX_DOB_FAILURES)
    ]

    # then each is a mismatch, counted, and at the limit the link is revoked:
    # even the right date opens nothing now
    assert codes == [["DATE_OF_BIRTH_MISMATCH"]] * settings.FORMS_LINK_MAX_DOB_FAILURES
    with on_spa(glow):
        request.refresh_from_db()
    assert request.failed_checks == settings.FORMS_LINK_MAX_DOB_FAILURES
    assert request.revoked_at is not None
    assert open_link(http, token).error_codes == ["LINK_INVALID"]


def test_a_wrong_date_of_birth_on_submit_is_counted_too(glow, client_for):
    _visit, request, token = issued(glow)
    http = client_for(glow)
    item = forms_by_kind(open_link(http, token))["INTAKE"]["itemId"]

    answer = submit(http, token, item, {"pregnant": False}, dob=dt.date(1970, 5, 5))

    assert [e["code"] for e in answer.data["submitFormResponse"]["errors"]] == [
        "DATE_OF_BIRTH_MISMATCH"
    ]
    with on_spa(glow):
        request.refresh_from_db()
        assert not FormResponse.objects.exists()
    assert request.failed_checks == 1


def test_a_link_of_one_spa_shows_nothing_on_another_spas_host(glow, radiance, client_for):
    # given a live link of glow's
    _, request, token = issued(glow)

    # when it is opened, or a form submitted, on radiance's host
    opened = open_link(client_for(radiance), token)
    with on_spa(glow):
        item_pk = FormRequestItem.objects.filter(request=request).first().pk
    with on_spa(radiance):
        item = to_global_id("FormRequestItem", item_pk)
    sent = submit(client_for(radiance), token, item, {"pregnant": False})

    # then radiance knows no such link, and glow's link is untouched
    assert opened.error_codes == ["LINK_INVALID"]
    assert [e["code"] for e in sent.data["submitFormResponse"]["errors"]] == ["LINK_INVALID"]
    with on_spa(glow):
        request.refresh_from_db()
        assert request.failed_checks == 0
        assert not FormResponse.objects.exists()
    with on_spa(radiance):
        assert not FormResponse.objects.exists()


def test_signing_a_consent_records_the_evidence_and_the_link_closes_when_all_are_sent(
    glow, client_for
):
    # given an opened link
    visit, request, token = issued(glow)
    http = client_for(glow)
    forms = forms_by_kind(open_link(http, token))

    # when the patient signs the consent
    signed = submit(
        http,
        token,
        forms["CONSENT"]["itemId"],
        {"understood": True},
        decision="ACCEPTED",
        signature=signature(),
    )

    # then it is recorded with its evidence, and the link stays open for the intake
    payload = signed.data["submitFormResponse"]
    assert payload["errors"] == []
    assert payload["form"]["answered"] is True
    assert payload["completed"] is False
    with on_spa(glow):
        response = FormResponse.objects.get()
        evidence = Signature.objects.get(response=response)
        drawn = StoredFile.objects.get(pk=evidence.drawn_image_id)
    assert response.source == "patient_link"
    assert response.decision == "accepted"
    assert response.request_id == request.pk
    assert response.appointment_id == visit.appointment.pk
    assert evidence.ip_address == "198.51.100.7"
    assert evidence.user_agent == "PhoneBrowser/1.0"
    assert evidence.disclosure_version == DISCLOSURE_VERSION
    assert evidence.meaning == "I consent to the treatment described."
    assert evidence.typed_name == "Ava Patient"
    assert drawn.purpose == FilePurpose.SIGNATURE
    assert drawn.client_id == visit.client.pk
    assert response.answers["sign"] == {"typed_name": "Ava Patient", "image_file_id": drawn.pk}
    # and the hashes are those of exactly what was shown and signed
    shown = shown_hash(
        version_hash=visit.consent_version.content_hash,
        disclosure_version=DISCLOSURE_VERSION,
        disclosure_text=disclosure_text(spa_name=glow.name),
    )
    assert response.shown_hash == shown
    assert (
        evidence.document_hash
        == response.document_hash
        == document_hash(
            shown_hash=shown,
            answers=response.answers,
            decision="accepted",
            photo_scope="",
            typed_name="Ava Patient",
            signed_at=evidence.signed_at,
            client_id=visit.client.pk,
        )
    )

    # when the same consent is sent again
    again = submit(
        http,
        token,
        forms["CONSENT"]["itemId"],
        {"understood": True},
        decision="ACCEPTED",
        signature=signature(),
    )
    assert [e["code"] for e in again.data["submitFormResponse"]["errors"]] == ["ALREADY_ANSWERED"]

    # when the intake is sent, the link closes: single use
    last = submit(http, token, forms["INTAKE"]["itemId"], {"pregnant": False})
    assert last.data["submitFormResponse"]["completed"] is True
    assert open_link(http, token).error_codes == ["LINK_INVALID"]
    with on_spa(glow):
        request.refresh_from_db()
        assert request.completed_at is not None
        writes = AuditEntry.objects.filter(
            action=AuditAction.UPDATE, client_ids=[visit.client.pk], actor_role="patient:link"
        )
        assert writes.exists()


def test_a_declined_consent_is_recorded_and_signed(glow, client_for):
    _, _, token = issued(glow)
    http = client_for(glow)
    consent = forms_by_kind(open_link(http, token))["CONSENT"]

    answer = submit(http, token, consent["itemId"], {}, decision="DECLINED", signature=signature())

    assert answer.data["submitFormResponse"]["errors"] == []
    with on_spa(glow):
        response = FormResponse.objects.get()
        assert response.decision == "declined"
        assert Signature.objects.filter(response=response).exists()


@pytest.mark.parametrize("drawn", ["absent", None, ""])
def test_a_typed_name_alone_signs_for_a_patient_who_cannot_draw(glow, client_for, drawn):
    # given an opened link and a patient signing by keyboard (no drawing)
    visit, _, token = issued(glow)
    http = client_for(glow)
    consent = forms_by_kind(open_link(http, token))["CONSENT"]
    typed = signature()
    if drawn == "absent":
        del typed["drawnImage"]
    else:
        typed["drawnImage"] = drawn

    # when they send the consent with their typed name, intent and the disclosure
    answer = submit(
        http, token, consent["itemId"], {"understood": True}, decision="ACCEPTED", signature=typed
    )

    # then it is signed: the evidence holds the typed name and no image
    assert answer.data["submitFormResponse"]["errors"] == []
    with on_spa(glow):
        response = FormResponse.objects.get()
        evidence = Signature.objects.get(response=response)
        assert not StoredFile.objects.filter(purpose=FilePurpose.SIGNATURE).exists()
    assert evidence.drawn_image_id is None
    assert evidence.typed_name == "Ava Patient"
    assert evidence.disclosure_version == DISCLOSURE_VERSION
    assert response.answers["sign"] == {"typed_name": "Ava Patient"}
    assert response.client_id == visit.client.pk


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"intent": False}, "INTENT_REQUIRED"),
        ({"acceptElectronicRecords": False}, "ELECTRONIC_CONSENT_REQUIRED"),
        ({"typedName": " "}, "SIGNATURE_REQUIRED"),
    ],
)
def test_without_a_drawing_intent_consent_and_name_are_still_required(
    glow, client_for, changes, code
):
    _, request, token = issued(glow)
    http = client_for(glow)
    consent = forms_by_kind(open_link(http, token))["CONSENT"]
    typed = {k: v for k, v in signature(**changes).items() if k != "drawnImage"}

    answer = submit(
        http, token, consent["itemId"], {"understood": True}, decision="ACCEPTED", signature=typed
    )

    assert [e["code"] for e in answer.data["submitFormResponse"]["errors"]] == [code]
    with on_spa(glow):
        assert not FormResponse.objects.exists()
        assert not FormRequestItem.objects.filter(request=request, response__isnull=False).exists()


BAD = {
    "answer missing": ({}, {}, "ANSWER_REQUIRED"),
    "unknown answer": ({"understood": True, "nope": 1}, {}, "ANSWER_UNKNOWN"),
    "no decision": ({"understood": True}, {"decision": None}, "DECISION_INVALID"),
    "no signature": ({"understood": True}, {"signature": None}, "SIGNATURE_REQUIRED"),
    "no intent": ({"understood": True}, {"signature": signature(intent=False)}, "INTENT_REQUIRED"),
    "no e-consent": (
        {"understood": True},
        {"signature": signature(acceptElectronicRecords=False)},
        "ELECTRONIC_CONSENT_REQUIRED",
    ),
    "old disclosure": (
        {"understood": True},
        {"signature": signature(disclosureVersion="2001-01-01")},
        "DISCLOSURE_OUTDATED",
    ),
    "not a png": (
        {"understood": True},
        {"signature": signature(drawnImage="data:image/png;base64,bm90IGFuIGltYWdl")},
        "SIGNATURE_INVALID",
    ),
    "a png header on garbage": (
        {"understood": True},
        {"signature": signature(drawnImage="data:image/png;base64,iVBORw0KGgoAAAAAAAAA")},
        "SIGNATURE_INVALID",
    ),
    "too large": (
        {"understood": True},
        {"signature": signature(drawnImage="data:image/png;base64," + "A" * 410_000)},
        "SIGNATURE_INVALID",
    ),
    "no name": (
        {"understood": True},
        {"signature": signature(typedName="  ")},
        "SIGNATURE_REQUIRED",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_answers_signatures_and_disclosures_get_typed_errors_and_write_nothing(
    glow, client_for, case
):
    answers, changes, code = BAD[case]
    _, request, token = issued(glow)
    http = client_for(glow)
    consent = forms_by_kind(open_link(http, token))["CONSENT"]
    kwargs = {"decision": "ACCEPTED", "signature": signature(), **changes}

    answer = submit(http, token, consent["itemId"], answers, **kwargs)

    assert answer.status == 200
    errors = answer.data["submitFormResponse"]["errors"]
    assert [e["code"] for e in errors] == [code]
    assert "Ava" not in errors[0]["message"]
    with on_spa(glow):
        assert not FormResponse.objects.exists()
        assert not StoredFile.objects.filter(purpose=FilePurpose.SIGNATURE).exists()
        assert not FormRequestItem.objects.filter(request=request, response__isnull=False).exists()


def test_issuing_a_new_link_revokes_the_older_open_one(glow, client_for):
    visit, first, first_token = issued(glow)
    with on_spa(glow):
        second, second_token = form_request_issue(
            appointment_id=visit.appointment.pk, channel="sms", actor=STAFF
        )
        first.refresh_from_db()
        assert len(second_token) >= 43
        assert FormRequest.objects.get(pk=second.pk).token_hash == digest(second_token)
        assert second_token not in json.dumps(list(FormRequest.objects.values()), default=str)
    assert first.revoked_at is not None
    http = client_for(glow)
    assert open_link(http, first_token).error_codes == ["LINK_INVALID"]
    assert open_link(http, second_token).errors == []


def test_a_link_expires_after_the_hours_in_settings(glow):
    with on_spa(glow):
        visit = a_visit()
        now = timezone.now()
        request, _ = form_request_issue(
            appointment_id=visit.appointment.pk, channel="email", actor=STAFF, now=now
        )
    assert request.expires_at - now == dt.timedelta(hours=settings.FORMS_LINK_HOURS)


def test_a_photo_upload_goes_to_the_links_client_and_a_dead_link_stores_nothing(glow, client_for):
    visit, _, token = issued(glow)
    http = client_for(glow)
    png = png_data_url(80).split(",", 1)[1]

    def upload(token: str, dob: dt.date = DOB):
        return http.post(
            "/forms/upload",
            {
                "token": token,
                "dateOfBirth": dob.isoformat(),
                "file": SimpleUploadedFile("p.png", base64.b64decode(png), "image/png"),
            },
        )

    stored = upload(token)
    assert stored.status_code == 201
    with on_spa(glow):
        file = StoredFile.objects.get(pk=int(stored.json()["fileId"]))
        assert file.client_id == visit.client.pk
        assert file.purpose == FilePurpose.FORM_UPLOAD

    assert upload("nope").status_code == 404
    assert upload("nope").json()["code"] == "LINK_INVALID"
    assert upload(token, dt.date(1999, 9, 9)).status_code == 403
    assert http.get("/forms/upload").status_code == 405
    not_an_image = http.post(
        "/forms/upload",
        {
            "token": token,
            "dateOfBirth": DOB.isoformat(),
            "file": SimpleUploadedFile("p.jpg", b"not an image at all", "image/jpeg"),
        },
    )
    assert not_an_image.status_code == 400
    with on_spa(glow):
        assert StoredFile.objects.filter(purpose=FilePurpose.FORM_UPLOAD).count() == 1


def test_a_photo_upload_with_a_link_of_one_spa_stores_nothing_on_another(
    glow, radiance, client_for
):
    _, _, token = issued(glow)
    png = base64.b64decode(png_data_url(80).split(",", 1)[1])

    answer = client_for(radiance).post(
        "/forms/upload",
        {
            "token": token,
            "dateOfBirth": DOB.isoformat(),
            "file": SimpleUploadedFile("p.png", png, "image/png"),
        },
    )

    assert answer.status_code == 404
    assert answer.json()["code"] == "LINK_INVALID"
    for spa in (glow, radiance):
        with on_spa(spa):
            assert not StoredFile.objects.filter(purpose=FilePurpose.FORM_UPLOAD).exists()


@pytest.mark.parametrize("text", ["latex\x00", "latex\ud800"])
def test_unstorable_text_inside_the_answers_json_is_a_typed_error_and_writes_nothing(
    glow, client_for, text
):
    # The answers travel as JSON in a string: "\u0000" and a lone "\ud800" are
    # plain escapes there, which PostgreSQL's jsonb (or UTF-8) cannot take.
    _, request, token = issued(glow)
    http = client_for(glow)
    intake = forms_by_kind(open_link(http, token))["INTAKE"]

    answer = submit(http, token, intake["itemId"], {"pregnant": False, "allergies": text})

    assert answer.status == 400
    assert answer.error_codes == ["INVALID_CHARACTERS"]
    with on_spa(glow):
        assert not FormResponse.objects.exists()
        assert not FormRequestItem.objects.filter(request=request, response__isnull=False).exists()


def test_a_photo_upload_is_refused_when_no_form_left_on_the_link_asks_for_one(glow, client_for):
    # given a link whose intake (the form with a photo field) is already sent,
    # leaving the consent, which asks for no photo
    _, _, token = issued(glow)
    http = client_for(glow)
    intake = forms_by_kind(open_link(http, token))["INTAKE"]
    sent = submit(http, token, intake["itemId"], {"pregnant": False})
    assert sent.data["submitFormResponse"]["errors"] == []
    png = base64.b64decode(png_data_url(80).split(",", 1)[1])

    # when the link's holder uploads an image anyway
    answer = http.post(
        "/forms/upload",
        {
            "token": token,
            "dateOfBirth": DOB.isoformat(),
            "file": SimpleUploadedFile("p.png", png, "image/png"),
        },
    )

    # then nothing is stored for the client
    assert answer.status_code == 400
    assert answer.json()["code"] == "UPLOAD_INVALID"
    with on_spa(glow):
        assert not StoredFile.objects.filter(purpose=FilePurpose.FORM_UPLOAD).exists()


def test_a_link_uploads_at_most_the_photos_in_settings(glow, client_for, settings):
    settings.FORMS_LINK_MAX_UPLOADS = 2
    _, _, token = issued(glow)
    http = client_for(glow)
    png = base64.b64decode(png_data_url(80).split(",", 1)[1])

    def upload():
        return http.post(
            "/forms/upload",
            {
                "token": token,
                "dateOfBirth": DOB.isoformat(),
                "file": SimpleUploadedFile("p.png", png, "image/png"),
            },
        )

    answers = [upload() for _ in range(3)]

    assert [a.status_code for a in answers] == [201, 201, 400]
    assert answers[2].json()["code"] == "UPLOAD_INVALID"
    with on_spa(glow):
        assert StoredFile.objects.filter(purpose=FilePurpose.FORM_UPLOAD).count() == 2
