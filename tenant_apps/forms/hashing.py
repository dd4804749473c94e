"""The hashes that tie a response to exactly what was shown and signed.

Each is the sha256 (hex) of the canonical JSON of an object: keys sorted, no
spaces, UTF-8 as is. The objects' shapes are fixed here; changing one changes
every hash computed after, so a change is a new key, never an edit."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sha256(obj: Any) -> str:
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def version_content_hash(*, title: str, kind: str, schema: dict[str, Any]) -> str:
    """FormVersion.content_hash: what a version is."""
    return _sha256({"title": title, "kind": kind, "schema": schema})


def shown_hash(*, version_hash: str, disclosure_version: str, disclosure_text: str) -> str:
    """FormResponse.shown_hash: the version's content and the electronic-records
    disclosure the patient was shown with it (empty for staff entry)."""
    return _sha256(
        {
            "version_hash": version_hash,
            "disclosure_version": disclosure_version,
            "disclosure_text": disclosure_text,
        }
    )


def document_hash(
    *,
    shown_hash: str,
    answers: dict[str, Any],
    decision: str,
    photo_scope: str,
    typed_name: str,
    signed_at: datetime,
    client_id: int,
) -> str:
    """FormResponse.document_hash and Signature.document_hash: what was signed
    (`typed_name` empty when the form has no signature; `signed_at` is the
    submission time then)."""
    return _sha256(
        {
            "shown_hash": shown_hash,
            "answers": answers,
            "decision": decision,
            "photo_scope": photo_scope,
            "typed_name": typed_name,
            "signed_at": signed_at.isoformat(),
            "client_id": client_id,
        }
    )
