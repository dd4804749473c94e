"""The signed response rendered to PDF (tenant_apps/forms/pdf.py), read back."""

from __future__ import annotations

import dataclasses

from tenant_apps.forms.pdf import pdf_render
from tests.tenant_apps.forms.documents import consent_content
from tests.tenant_apps.forms.pdf_text import pdf_text


def test_the_pdf_shows_the_header_and_visible_answers_in_words():
    # given a signed neurotoxin consent by a male patient (the pregnancy
    # question and section are hidden by their condition)
    content = consent_content()

    # when it is rendered
    text = pdf_text(pdf_render(content))

    # then the header names the spa, the form, its version and content hash
    assert "Glow Aesthetics" in text
    assert "Neurotoxin consent" in text
    assert f"Form version 3 • content hash (sha256) {'a1' * 32}" in text
    # and each visible field shows its label and the answer in words
    assert "Sex assigned at birth\nMale" in text
    assert "Do you have any of these conditions?\nA bleeding disorder; Allergy to albumin" in text
    assert "Last neurotoxin treatment\nNovember 2, 2025" in text
    assert "Units last time\n24" in text
    assert "Initialled “ZN”" in text
    assert "drooping of the eyelid" in text
    # and what is hidden is not there
    assert "pregnant" not in text and "Due date" not in text
    # and the decision with the typed name
    assert "Decision: Consented" in text
    assert "Signed: Zoë Nguyễn" in text


def test_the_evidence_page_holds_what_a_dispute_needs():
    # given a signed consent
    content = consent_content()

    # when it is rendered
    evidence = pdf_text(pdf_render(content)).split("Evidence of electronic signature", 1)[1]

    # then its evidence page names the signer, the time in the spa's zone and in
    # UTC, the meaning, IP, user agent, the disclosure and its version, hashes
    # and the response, and who signed the document for whom
    assert "Signer's printed name\nZoë Nguyễn" in evidence
    assert "March 14, 2026 at 11:09:26 EDT (America/New_York); 2026-03-14 15:09:26 UTC" in evidence
    assert "What the signature means\nI consent to neurotoxin treatment" in evidence
    assert "203.0.113.7" in evidence
    assert "iPhone OS 18_0" in evidence
    assert "to disclosure version 2026-01." in evidence.replace("\n", " ")
    assert "Disclosure (version 2026-01)\nYou agree to use electronic records" in evidence
    assert f"Hash of what was shown (sha256)\n{'b2' * 32}" in evidence
    assert f"Document hash (sha256)\n{'c3' * 32}" in evidence
    assert f"Form content hash (sha256)\n{'a1' * 32}" in evidence
    assert "Response id\n4242" in evidence
    assert "Signed by MedSpa Platform on behalf of Glow Aesthetics." in evidence


def test_the_evidence_page_says_how_the_patient_signed():
    # given a consent signed with a drawing and one signed by typing the name only
    drawn = consent_content()
    assert drawn.signature is not None
    typed = consent_content(signature=dataclasses.replace(drawn.signature, image=None))

    # when each is rendered
    drawn_text, typed_text = (
        pdf_text(pdf_render(c)).split("Evidence of electronic signature", 1)[1].replace("\n", " ")
        for c in (drawn, typed)
    )

    # then the evidence page says which
    assert "Signed by drawing their signature and typing their name." in drawn_text
    assert "Signed by typing their name (no drawn signature)." in typed_text
    assert "Signer's printed name Zoë Nguyễn" in typed_text


def test_a_declined_photo_consent_and_a_staff_entry_say_so():
    # given a declined consent, an accepted photo consent for marketing, and an
    # intake entered by staff (no signature)
    declined = consent_content(decision="declined")
    photo = consent_content(decision="accepted", photo_scope="marketing")
    staff = consent_content(decision="completed", signature=None)

    # when each is rendered
    texts = [pdf_text(pdf_render(content)) for content in (declined, photo, staff)]

    # then the decision is in words
    assert "Decision: Declined" in texts[0]
    assert "Photos for the clinical record and for marketing" in texts[1]
    assert "Decision: Completed" in texts[2]
    assert "not signed by the patient" in texts[2]
    assert "None: entered by the spa's staff" in texts[2]


def test_the_same_response_renders_to_the_same_bytes():
    # given one response's content, twice
    content = consent_content()
    copy = dataclasses.replace(content)

    # then both render identically (the creation date is the signature's)
    assert pdf_render(content) == pdf_render(copy)


def test_a_female_patient_sees_the_conditional_questions():
    # given a patient whose answer opens the pregnancy question and section
    answers = {**consent_content().answers, "sex": "female", "pregnant": False, "due_date": None}
    content = consent_content(answers=answers)

    # when rendered
    text = pdf_text(pdf_render(content))

    # then they are shown, answered in words
    assert "Are you pregnant or breastfeeding?\nNo" in text
    assert "Due date\n(not answered)" in text
