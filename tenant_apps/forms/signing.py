"""The platform's PAdES signature on signed form documents (pyHanko), so that any
PDF reader shows a change made after signing.

The key and certificate come from settings FORMS_SIGNING_KEY and
FORMS_SIGNING_CERT: PEM text, or the path of a PEM file (from the environment;
config/settings/prod.py refuses to start without them). Elsewhere (development,
tests, benchmarks) a self-signed development certificate is made once with
cryptography and kept in FORMS_SIGNING_DEV_DIR (`.data/signing/`, never
committed; a temporary folder in tests). Rotating the key: platform/RUNBOOK.md.

`pdf_verify` checks a document against our certificates as the only trust
roots: the current one and any retired ones still listed in
FORMS_SIGNING_OLD_CERTS, so a document signed before a rotation keeps verifying.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# pyHanko imports cryptography's DSA support, which warns on import; we never use DSA.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="DSA is deprecated")
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.registry import SimpleCertificateStore

logger = logging.getLogger(__name__)

FIELD_NAME = "MedSpa Platform"
DEV_KEY_FILE = "dev-signing-key.pem"
DEV_CERT_FILE = "dev-signing-cert.pem"


@dataclass(frozen=True)
class SigningIdentity:
    signer: signers.SimpleSigner
    certificate: asn1_x509.Certificate
    # sha256 of the certificate's DER (SignedDocument.certificate_sha256).
    certificate_sha256: str


@dataclass(frozen=True)
class Verification:
    """What a check of a signed PDF found. `ok` only when the signed bytes are
    unchanged (`intact`), the signature is cryptographically valid (`valid`),
    it chains to one of our certificates (`trusted`) and it covers the whole file."""

    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    signer: str
    certificate_sha256: str
    signed_at: dt.datetime | None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file


def _pem(value: str) -> bytes:
    """PEM text as given, or read from the file it names."""
    value = value.strip()
    if value.startswith("-----BEGIN"):
        return value.encode()
    path = Path(value)
    if not path.is_file():
        raise ImproperlyConfigured(f"signing key or certificate file {path} does not exist")
    return path.read_bytes()


def dev_identity_create(folder: Path) -> tuple[bytes, bytes]:
    """A self-signed RSA certificate for development and tests, made once and
    kept in `folder`: (key PEM, certificate PEM)."""
    key_path, cert_path = folder / DEV_KEY_FILE, folder / DEV_CERT_FILE
    if key_path.is_file() and cert_path.is_file():
        return key_path.read_bytes(), cert_path.read_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{FIELD_NAME} (development)"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, FIELD_NAME),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert_pem = certificate.public_bytes(serialization.Encoding.PEM)
    # Written aside and renamed, readable by the owner only: two processes
    # starting at once end with one complete pair.
    for path, data in ((key_path, key_pem), (cert_path, cert_pem)):
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        partial.replace(path)
    logger.info("development signing certificate created")
    return key_path.read_bytes(), cert_path.read_bytes()


def _configured_pems() -> tuple[bytes, bytes]:
    key_setting = getattr(settings, "FORMS_SIGNING_KEY", "")
    cert_setting = getattr(settings, "FORMS_SIGNING_CERT", "")
    if key_setting and cert_setting:
        return _pem(key_setting), _pem(cert_setting)
    if key_setting or cert_setting:
        raise ImproperlyConfigured("set both FORMS_SIGNING_KEY and FORMS_SIGNING_CERT, or neither")
    return dev_identity_create(Path(settings.FORMS_SIGNING_DEV_DIR))


def _load_certificate(pem: bytes) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


@functools.cache
def _identity(key_pem: bytes, cert_pem: bytes) -> SigningIdentity:
    key = serialization.load_pem_private_key(key_pem, password=None)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    certificate = _load_certificate(cert_pem)
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([certificate]),
    )
    return SigningIdentity(
        signer=signer,
        certificate=certificate,
        certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest(),
    )


def signing_identity() -> SigningIdentity:
    """The platform's signing key and certificate (settings, or the development pair)."""
    return _identity(*_configured_pems())


def _trust_roots() -> list[asn1_x509.Certificate]:
    roots = [signing_identity().certificate]
    for value in getattr(settings, "FORMS_SIGNING_OLD_CERTS", []) or []:
        roots.append(_load_certificate(_pem(value)))
    return roots


def pdf_sign(data: bytes, *, reason: str = "", location: str = "") -> bytes:
    """The PDF with the platform's PAdES signature (sha256) in an invisible
    field named "MedSpa Platform", covering the whole file."""
    identity = signing_identity()
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    signed = signers.sign_pdf(writer, metadata, signer=identity.signer)
    return bytes(signed.getvalue())


def _failed(problem: str) -> Verification:
    return Verification(
        intact=False,
        valid=False,
        trusted=False,
        covers_whole_file=False,
        signer="",
        certificate_sha256="",
        signed_at=None,
        problem=problem,
    )


def pdf_verify(data: bytes) -> Verification:
    """Check the PDF's signature against our certificates only. Never raises for
    a damaged or foreign document: the problem is in the result."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
        if not signatures:
            return _failed("the document carries no signature")
        embedded = signatures[-1]
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = validate_pdf_signature(embedded, context)
    except (SignatureValidationError, SigningError, ValueError, KeyError, TypeError) as error:
        return _failed(f"unreadable signature ({type(error).__name__})")
    except Exception as error:  # pyHanko's parser raises many types on a damaged file
        return _failed(f"unreadable document ({type(error).__name__})")
    certificate = status.signing_cert
    return Verification(
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=certificate.subject.human_friendly if certificate is not None else "",
        certificate_sha256=hashlib.sha256(certificate.dump()).hexdigest() if certificate else "",
        signed_at=status.signer_reported_dt,
    )
