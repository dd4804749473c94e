"""The platform's PAdES signature (tenant_apps/forms/signing.py): a signed PDF
verifies against our certificate; a changed byte or a foreign key does not."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tenant_apps.forms.pdf import pdf_render
from tenant_apps.forms.signing import (
    DEV_CERT_FILE,
    DEV_KEY_FILE,
    dev_identity_create,
    pdf_sign,
    pdf_verify,
    signing_identity,
)
from tests.tenant_apps.forms.documents import consent_content


@pytest.fixture(scope="module")
def signed() -> bytes:
    return pdf_sign(pdf_render(consent_content()))


def _byte_range(data: bytes) -> list[int]:
    match = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert match, "no /ByteRange in the signed PDF"
    return [int(value) for value in match.groups()]


def _flip(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def test_a_signed_pdf_verifies_against_our_certificate(signed):
    # when the signed document is checked
    result = pdf_verify(signed)

    # then it is intact, valid, trusted and covers the whole file, by our certificate
    assert result.ok, result
    assert result.certificate_sha256 == signing_identity().certificate_sha256
    assert "MedSpa Platform" in result.signer
    assert result.signed_at is not None


def test_the_signature_is_pades_in_the_platform_field(signed):
    # then the signature dictionary is PAdES (ETSI.CAdES.detached) in our field
    assert b"/ETSI.CAdES.detached" in signed
    assert b"(MedSpa Platform)" in signed


@pytest.mark.parametrize("where", [0.0, 0.02, 0.25, 0.5, 0.75, 0.98, 1.0])
def test_one_byte_changed_anywhere_in_the_signed_range_fails(signed, where):
    # given a position in the signed ranges (before or after the signature's hole)
    start1, length1, start2, length2 = _byte_range(signed)
    positions = [*range(start1, start1 + length1), *range(start2, start2 + length2)]
    position = positions[min(int(where * len(positions)), len(positions) - 1)]

    # when one bit of that byte is changed
    result = pdf_verify(_flip(signed, position))

    # then the check fails (a changed digest, or a document that no longer parses)
    assert not result.ok
    assert not (result.intact and result.trusted)


def test_a_pdf_signed_by_another_key_fails_against_ours(settings, tmp_path, signed):
    # given a PDF signed with another self-signed key
    _key_pem, cert_pem = dev_identity_create(tmp_path / "other")
    settings.FORMS_SIGNING_KEY = str(tmp_path / "other" / DEV_KEY_FILE)
    settings.FORMS_SIGNING_CERT = cert_pem.decode()  # PEM text works as well as a path
    foreign = pdf_sign(pdf_render(consent_content()))
    assert pdf_verify(foreign).ok  # against its own certificate it verifies

    # when it is checked against ours
    settings.FORMS_SIGNING_KEY = ""
    settings.FORMS_SIGNING_CERT = ""
    result = pdf_verify(foreign)

    # then it is not trusted
    assert result.intact
    assert not result.trusted and not result.ok


def test_a_document_signed_before_a_rotation_keeps_verifying(settings, tmp_path, signed):
    # given the key rotated to a new one, the old certificate kept as retired
    old_cert = Path(settings.FORMS_SIGNING_DEV_DIR) / DEV_CERT_FILE
    dev_identity_create(tmp_path / "new")
    settings.FORMS_SIGNING_KEY = str(tmp_path / "new" / DEV_KEY_FILE)
    settings.FORMS_SIGNING_CERT = str(tmp_path / "new" / DEV_CERT_FILE)

    # then the old document fails without the old certificate, and verifies with it
    assert not pdf_verify(signed).ok
    settings.FORMS_SIGNING_OLD_CERTS = [str(old_cert)]
    assert pdf_verify(signed).ok


@pytest.mark.parametrize("data", [b"", b"not a pdf", b"%PDF-1.7\n%%EOF"])
def test_garbage_is_a_failed_verification_not_an_error(data):
    assert not pdf_verify(data).ok


def test_an_unsigned_pdf_does_not_verify():
    result = pdf_verify(pdf_render(consent_content()))
    assert not result.ok
    assert result.problem == "the document carries no signature"
