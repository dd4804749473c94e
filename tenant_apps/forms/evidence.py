"""The evidence of an electronic signature, as the callers of
`form_response_record` (tenant_apps/forms/services/responses.py) hand it over:
the patient's link, the desk's tablet, or staff entering a paper form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SignatureEvidence:
    """ESIGN/UETA evidence: the intent (the typed name, the drawn mark stored as
    a `files.StoredFile` of purpose "signature", and what signing means), the
    consent to sign electronically with the disclosure version accepted, when,
    and from where. `repr` shows no name (it may reach a log)."""

    typed_name: str
    drawn_image_file_id: int | None
    meaning: str
    disclosure_version: str
    electronic_consent_at: datetime
    signed_at: datetime
    ip: str | None
    user_agent: str

    def __repr__(self) -> str:
        return f"SignatureEvidence(disclosure_version={self.disclosure_version!r})"
