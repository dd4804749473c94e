"""Opaque secrets handed to people (API tokens, invitation tokens): random, shown
once, stored only as a SHA-256 digest (they carry 256 bits, so a fast hash is
enough: there is nothing to guess)."""

import hashlib
import secrets

API_TOKEN_PREFIX = "msp_"  # noqa: S105 (a public prefix, not a secret)
INVITATION_PREFIX = "inv_"


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
