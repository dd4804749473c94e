"""Recording a response (tenant_apps/forms/services/responses.py): hashes,
validity, the decision rules, the client's lists, the audit log and the PDF job."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.files.models import StoredFile
from tenant_apps.forms.hashing import document_hash, shown_hash
from tenant_apps.forms.models import FormResponse, Signature
from tenant_apps.forms.services.responses import RENDER_TASK, add_months, form_response_record
from tenant_apps.forms.starters import PHOTO_CONSENT
from tests.jobs import queued_jobs
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.factories import ACTOR, a_response, a_schema, a_version, evidence
from tests.tenant_apps.scheduling.factories import AppointmentFactory

NOW = dt.datetime(2026, 1, 31, 15, 0, tzinfo=dt.UTC)


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> tuple[str, str]:
    (field, errors), *_ = exc.value.error_dict.items()
    return field, errors[0].code or ""


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(NOW, 1) == dt.datetime(2026, 2, 28, 15, 0, tzinfo=dt.UTC)
    assert add_months(NOW, 12) == dt.datetime(2027, 1, 31, 15, 0, tzinfo=dt.UTC)
    assert add_months(NOW, 13) == dt.datetime(2027, 2, 28, 15, 0, tzinfo=dt.UTC)


@pytest.mark.spa("glow")
def test_a_signed_response_has_its_hashes_signature_audit_and_pdf_job():
    version = a_version(renewal="months", renewal_months=12)
    client = ClientFactory()
    proof = evidence(at=NOW)

    response = form_response_record(
        actor=ACTOR,
        client_id=client.pk,
        version_id=version.pk,
        answers={"smoker": True, "per_day": 2},
        source="patient_link",
        evidence=proof,
        disclosure_text="We keep records electronically.",
        now=NOW,
    )

    shown = shown_hash(
        version_hash=version.content_hash,
        disclosure_version="2026-01",
        disclosure_text="We keep records electronically.",
    )
    answers = {"smoker": True, "per_day": 2, "signature": {"typed_name": "Jane Doe"}}
    assert response.answers == answers
    assert response.shown_hash == shown
    assert response.document_hash == document_hash(
        shown_hash=shown,
        answers=answers,
        decision="completed",
        photo_scope="",
        typed_name="Jane Doe",
        signed_at=NOW,
        client_id=client.pk,
    )
    assert response.valid_until == dt.datetime(2027, 1, 31, 15, 0, tzinfo=dt.UTC)
    signature = Signature.objects.get(response=response)
    assert signature.document_hash == response.document_hash
    assert (signature.ip_address, signature.disclosure_version) == ("203.0.113.7", "2026-01")
    assert [job["args"]["response_id"] for job in queued_jobs(RENDER_TASK)] == [response.pk]
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, client_ids=[client.pk]).exists()


@pytest.mark.spa("glow")
def test_answers_mapped_to_the_record_are_merged_without_repeats():
    version = a_version()
    client = ClientFactory(allergies=["Latex"])

    a_response(
        client_id=client.pk,
        version=version,
        answers={"smoker": False, "allergies": "latex, Penicillin;\nsulfa"},
    )

    client.refresh_from_db()
    assert client.allergies == ["Latex", "Penicillin", "sulfa"]


@pytest.mark.spa("glow")
def test_the_decision_rules():
    client = ClientFactory()
    intake = a_version(kind="intake")
    consent = a_version(kind="consent", renewal="per_visit")
    photo = a_version(kind="photo_consent", schema=PHOTO_CONSENT.schema)

    with pytest.raises(ValidationError) as intake_declined:
        a_response(client_id=client.pk, version=intake, decision="declined")
    with pytest.raises(ValidationError) as undecided:
        a_response(client_id=client.pk, version=consent)
    with pytest.raises(ValidationError) as no_scope:
        a_response(client_id=client.pk, version=photo, decision="accepted", answers={})
    declined = a_response(client_id=client.pk, version=consent, decision="declined", answers={})
    marketing = a_response(
        client_id=client.pk,
        version=photo,
        decision="accepted",
        answers={"photo_scope": "marketing", "marketing_face": False},
    )
    photo_declined = a_response(client_id=client.pk, version=photo, decision="declined", answers={})

    assert _code(intake_declined) == ("decision", "DECISION_INVALID")
    assert _code(undecided) == ("decision", "DECISION_INVALID")
    assert _code(no_scope)[0] == "photo_scope"
    assert (declined.decision, declined.valid_until) == ("declined", None)
    assert (marketing.decision, marketing.photo_scope) == ("accepted", "marketing")
    assert (photo_declined.decision, photo_declined.photo_scope) == ("declined", "")


@pytest.mark.spa("glow")
def test_refusals_write_nothing():
    client = ClientFactory()
    version = a_version()
    other_clients_visit = AppointmentFactory()
    archived = ClientFactory(archived_at=NOW)

    cases = [
        dict(client_id=client.pk, answers={"smoker": "x"}),
        dict(client_id=client.pk, evidence=None),
        dict(client_id=client.pk, appointment_id=other_clients_visit.pk),
        dict(client_id=archived.pk),
        dict(client_id=0),
    ]
    codes = []
    for case in cases:
        arguments = {
            "actor": ACTOR,
            "version_id": version.pk,
            "answers": {"smoker": False},
            "source": "staff",
            "evidence": evidence(),
            **case,
        }
        with pytest.raises(ValidationError) as refused:
            form_response_record(**arguments)  # type: ignore[arg-type]
        codes.append(_code(refused))

    assert codes == [
        ("smoker", "ANSWER_INVALID"),
        ("signature", "SIGNATURE_REQUIRED"),
        ("appointment_id", "APPOINTMENT_MISMATCH"),
        ("client_id", "CLIENT_ARCHIVED"),
        ("client_id", "NOT_FOUND"),
    ]
    assert not FormResponse.objects.exists()
    assert queued_jobs(RENDER_TASK) == []


@pytest.mark.spa("glow")
def test_a_form_without_signature_defers_no_pdf_and_is_valid_until_per_renewal():
    version = a_version(schema=a_schema(signature=False), renewal="per_visit")
    client = ClientFactory()

    response = a_response(client_id=client.pk, version=version)

    assert response.valid_until is None
    assert not Signature.objects.filter(response=response).exists()
    assert queued_jobs(RENDER_TASK) == []


@pytest.mark.spa("glow")
def test_a_photo_answer_must_be_this_clients_form_upload():
    schema = {
        "sections": [
            {
                "key": "s",
                "title": "S",
                "fields": [{"key": "area", "type": "photo", "label": "The area", "required": True}],
            }
        ]
    }
    version = a_version(schema=schema)
    client, stranger = ClientFactory(), ClientFactory()

    def upload(owner, purpose="form_upload"):
        return StoredFile.objects.create(
            key=f"k/{owner.pk}/{purpose}",
            purpose=purpose,
            content_type="image/jpeg",
            size_bytes=10,
            sha256="0" * 64,
            client=owner,
        )

    theirs, signature_image, mine = upload(stranger), upload(client, "signature"), upload(client)
    for file in (theirs, signature_image):
        with pytest.raises(ValidationError) as refused:
            a_response(client_id=client.pk, version=version, answers={"area": {"file_id": file.pk}})
        assert _code(refused) == ("area", "ANSWER_INVALID")
    recorded = a_response(
        client_id=client.pk, version=version, answers={"area": {"file_id": mine.pk}}
    )

    assert recorded.answers == {"area": {"file_id": mine.pk}}
