"""A signed form response rendered to PDF (fpdf2): the form as the patient saw
and answered it, then an evidence page (ESIGN/UETA: who signed, when, what the
signature means, consent to electronic records with the disclosure, where from,
the hashes). The platform signs the result (tenant_apps/forms/signing.py).

`pdf_render` is a pure function of a `DocumentContent` (no database), so it is
tested and benchmarked alone; tenant_apps/forms/document_tasks.py builds the
content from a response.

The text is set in DejaVu Sans, embedded (a subset) so that any name or answer in
any script prints: Debian's fonts-dejavu-core, which Chromium's dependencies
bring to CI and platform/Dockerfile installs (FORMS_PDF_FONT_DIR to use another
folder holding the same files).
"""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from tenant_apps.forms.schema import visible_fields

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"

DECISION_WORDS = {
    "completed": "Completed",
    "accepted": "Consented",
    "declined": "Declined",
}
PHOTO_SCOPE_WORDS = {
    "clinical": "Photos for the clinical record only",
    "marketing": "Photos for the clinical record and for marketing",
}
NOT_ANSWERED = "(not answered)"


class FontMissing(RuntimeError):
    """The TTF files the PDF embeds are not installed."""


@dataclass(frozen=True)
class DocumentContent:
    """Everything the PDF shows: the form version as published, the answers,
    and the signature's evidence. Times are tz-aware."""

    spa_name: str
    spa_timezone: str
    platform_name: str
    response_id: int
    form_title: str
    version_number: int
    content_hash: str
    # FormVersion.schema (docs: the form schema contract) and FormResponse.answers.
    schema: Mapping[str, Any]
    answers: Mapping[str, Any]
    decision: str
    photo_scope: str
    shown_hash: str
    document_hash: str
    submitted_at: dt.datetime
    # The signature's evidence; None for a response with no signature (staff entry).
    signature: SignatureEvidence | None = None


@dataclass(frozen=True)
class SignatureEvidence:
    typed_name: str
    meaning: str
    signed_at: dt.datetime
    electronic_consent_at: dt.datetime
    disclosure_version: str
    disclosure_text: str
    ip_address: str | None
    user_agent: str
    # The drawn signature (PNG or JPEG bytes), if one was drawn.
    image: bytes | None = field(default=None, repr=False)


# --- what is visible, in words ---------------------------------------------------


def visible_sections(
    schema: Mapping[str, Any], answers: Mapping[str, Any]
) -> list[tuple[Mapping[str, Any], list[Mapping[str, Any]]]]:
    """The sections shown and, in each, the fields shown, by the form's own
    rule (`visible_fields`, tenant_apps/forms/schema.py)."""
    shown = {id(f) for f in visible_fields(dict(schema), dict(answers))}
    sections = []
    for section in schema.get("sections") or []:
        fields = [f for f in section.get("fields") or [] if id(f) in shown]
        if fields:
            sections.append((section, fields))
    return sections


def _option_label(form_field: Mapping[str, Any], value: Any) -> str:
    for option in form_field.get("options") or []:
        if option.get("value") == value:
            return str(option.get("label") or value)
    return str(value)


def answer_words(form_field: Mapping[str, Any], answer: Any) -> str:
    """An answer as the patient would say it."""
    if answer is None:
        return NOT_ANSWERED
    kind = form_field.get("type")
    if kind == "yes_no":
        return "Yes" if answer is True else "No" if answer is False else NOT_ANSWERED
    if kind == "choice":
        return _option_label(form_field, answer)
    if kind == "multi_choice":
        labels = [_option_label(form_field, value) for value in answer or []]
        return "; ".join(labels) if labels else "None selected"
    if kind == "date":
        try:
            day = dt.date.fromisoformat(str(answer))
        except ValueError:
            return str(answer)
        return f"{day:%B} {day.day}, {day.year}"
    if kind == "signature" and isinstance(answer, Mapping):
        return f"Signed electronically as \u201c{answer.get('typed_name', '')}\u201d"
    if kind == "initials" and isinstance(answer, Mapping):
        return f"Initialled \u201c{answer.get('initials', '')}\u201d"
    if kind == "photo" and isinstance(answer, Mapping):
        return "A photo was uploaded (kept in the patient's record)"
    if isinstance(answer, bool):
        return "Yes" if answer else "No"
    return str(answer)


def _when(moment: dt.datetime, zone: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    utc = moment.astimezone(dt.UTC)
    return (
        f"{local:%B} {local.day}, {local.year} at {local:%H:%M:%S} {local.tzname()} ({zone}); "
        f"{utc:%Y-%m-%d %H:%M:%S} UTC"
    )


# --- the PDF ---------------------------------------------------------------------


def _font_dir() -> Path:
    return Path(getattr(settings, "FORMS_PDF_FONT_DIR", "") or DEFAULT_FONT_DIR)


class _Document(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 7)
        self.set_text_color(110)
        self.cell(0, 5, f"{self.footer_text}  \u2022  page {self.page_no()}/{{nb}}", align="C")
        self.set_text_color(0)


def _new_pdf(content: DocumentContent, *, compress: bool) -> _Document:
    pdf = _Document(format="Letter", unit="mm")
    pdf.set_compression(compress)
    pdf.set_auto_page_break(auto=True, margin=16)
    pdf.set_margins(18, 16, 18)
    folder = _font_dir()
    for style, name in FONT_FILES.items():
        path = folder / name
        if not path.is_file():
            raise FontMissing(
                f"{path} is missing: install Debian's fonts-dejavu-core or set FORMS_PDF_FONT_DIR"
            )
        pdf.add_font(FONT, style, str(path))
    pdf.set_title(f"{content.form_title} (version {content.version_number})")
    pdf.set_author(content.spa_name)
    pdf.set_creator(content.platform_name)
    # The document's own dates are the signature's, so one response always
    # renders to the same bytes.
    pdf.set_creation_date(content.submitted_at)
    pdf.footer_text = (
        f"{content.spa_name} \u2022 {content.form_title} \u2022 response {content.response_id}"
    )
    return pdf


def _write(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, gap: float = 1.0) -> None:
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if gap:
        pdf.ln(gap)


def _pair(pdf: FPDF, label: str, value: str) -> None:
    _write(pdf, label, size=8, bold=True, gap=0)
    _write(pdf, value or "-", size=9.5, gap=1.5)


def _rule(pdf: FPDF) -> None:
    pdf.set_draw_color(180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _header(pdf: FPDF, content: DocumentContent) -> None:
    _write(pdf, content.spa_name, size=9, gap=0.5)
    _write(pdf, content.form_title, size=16, bold=True, gap=0.5)
    _write(
        pdf,
        f"Form version {content.version_number} \u2022 "
        f"content hash (sha256) {content.content_hash}",
        size=7.5,
        gap=2,
    )
    _rule(pdf)


def _body(pdf: FPDF, content: DocumentContent) -> None:
    for section, fields in visible_sections(content.schema, content.answers):
        if section.get("title"):
            pdf.ln(1)
            _write(pdf, str(section["title"]), size=12, bold=True)
        for form_field in fields:
            if form_field.get("type") == "markdown":
                _write(pdf, str(form_field.get("content") or ""), size=9.5, gap=2)
                continue
            _write(pdf, str(form_field.get("label") or ""), size=9.5, bold=True, gap=0.3)
            answer = content.answers.get(form_field.get("key", ""))
            _write(pdf, answer_words(form_field, answer), size=9.5, gap=2)


def _decision(pdf: FPDF, content: DocumentContent) -> None:
    pdf.ln(1)
    _rule(pdf)
    decision = DECISION_WORDS.get(content.decision, content.decision)
    _write(pdf, f"Decision: {decision}", size=12, bold=True)
    if content.photo_scope:
        _write(pdf, PHOTO_SCOPE_WORDS.get(content.photo_scope, content.photo_scope), size=10)
    signature = content.signature
    if signature is None:
        _write(pdf, "Entered by the spa's staff; not signed by the patient.", size=10)
        return
    _write(pdf, signature.meaning, size=9.5, gap=2)
    if signature.image:
        if pdf.will_page_break(40):
            pdf.add_page()
        pdf.image(io.BytesIO(signature.image), w=70, h=28, keep_aspect_ratio=True)
        pdf.ln(1)
    _write(pdf, f"Signed: {signature.typed_name}", size=11, bold=True, gap=0.5)
    _write(pdf, _when(signature.signed_at, content.spa_timezone), size=8.5)


def _evidence(pdf: FPDF, content: DocumentContent) -> None:
    pdf.add_page()
    _write(pdf, "Evidence of electronic signature", size=15, bold=True, gap=0.5)
    _write(
        pdf,
        f"Signed by {content.platform_name} on behalf of {content.spa_name}.",
        size=9,
        gap=3,
    )
    _rule(pdf)
    signature = content.signature
    if signature is None:
        _pair(pdf, "Signer", "None: entered by the spa's staff")
        _pair(pdf, "Entered at", _when(content.submitted_at, content.spa_timezone))
    else:
        _pair(pdf, "Signer's printed name", signature.typed_name)
        _pair(
            pdf,
            "How the patient signed",
            "Signed by drawing their signature and typing their name."
            if signature.image
            else "Signed by typing their name (no drawn signature).",
        )
        _pair(pdf, "Date and time signed", _when(signature.signed_at, content.spa_timezone))
        _pair(pdf, "What the signature means", signature.meaning)
        _pair(
            pdf,
            "Consent to electronic records and signatures",
            f"Given {_when(signature.electronic_consent_at, content.spa_timezone)}, "
            f"to disclosure version {signature.disclosure_version}.",
        )
        _pair(
            pdf, f"Disclosure (version {signature.disclosure_version})", signature.disclosure_text
        )
        _pair(pdf, "IP address", signature.ip_address or "not recorded")
        _pair(pdf, "User agent", signature.user_agent or "not recorded")
    _pair(pdf, "Decision", DECISION_WORDS.get(content.decision, content.decision))
    _pair(pdf, "Form", f"{content.form_title}, version {content.version_number}")
    _pair(pdf, "Form content hash (sha256)", content.content_hash)
    _pair(pdf, "Hash of what was shown (sha256)", content.shown_hash)
    _pair(pdf, "Document hash (sha256)", content.document_hash)
    _pair(pdf, "Response id", str(content.response_id))
    pdf.ln(2)
    _write(
        pdf,
        f"This document is digitally signed by {content.platform_name} on behalf of "
        f"{content.spa_name} (a PAdES signature): a PDF reader shows the signature as "
        "valid only while the document is unchanged.",
        size=8,
    )


def pdf_render(content: DocumentContent, *, compress: bool = True) -> bytes:
    """The response as a PDF: header, visible sections with answers in words, the
    decision and signature, then the evidence page. Same content, same bytes."""
    pdf = _new_pdf(content, compress=compress)
    pdf.add_page()
    _header(pdf, content)
    _body(pdf, content)
    _decision(pdf, content)
    _evidence(pdf, content)
    return bytes(pdf.output())
