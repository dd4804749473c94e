"""Rules for the names that route requests: spa slugs, schema names and hostnames.

Every failure is a `ValidationError` with a stable `code`; the GraphQL layer and
the management command show that code and message as they are.
"""

from __future__ import annotations

import re
import zoneinfo
from functools import lru_cache

from django.conf import settings

from core.errors import field_error
from tenants.errors import TenancyErrorCode

SLUG_MAX_LENGTH = 40
# Lowercase letters, digits and single hyphens; starts and ends with a letter or digit.
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_SLUG_RE = re.compile(SLUG_PATTERN)
SCHEMA_PREFIX = "spa_"

# Subdomains the platform uses or may use itself, and names that invite phishing.
RESERVED_SLUGS = frozenset(
    {
        "www",
        "admin",
        "api",
        "app",
        "apps",
        "console",
        "dashboard",
        "graphql",
        "graphiql",
        "static",
        "media",
        "assets",
        "cdn",
        "files",
        "uploads",
        "mail",
        "email",
        "smtp",
        "imap",
        "pop",
        "ftp",
        "ns",
        "ns1",
        "ns2",
        "dns",
        "mx",
        "status",
        "health",
        "healthz",
        "readyz",
        "support",
        "help",
        "docs",
        "blog",
        "news",
        "about",
        "billing",
        "pay",
        "payments",
        "checkout",
        "stripe",
        "webhooks",
        "webhook",
        "hooks",
        "login",
        "logout",
        "signin",
        "signup",
        "register",
        "auth",
        "oauth",
        "sso",
        "account",
        "accounts",
        "root",
        "public",
        "template",
        "system",
        "internal",
        "platform",
        "staff",
        "superadmin",
        "dev",
        "staging",
        "test",
        "demo",
        "sandbox",
        "localhost",
        "medspa",
    }
)

_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def validate_slug(value: str) -> None:
    """A spa slug becomes a subdomain and (prefixed) a schema name."""
    if not isinstance(value, str) or not value:
        raise field_error(TenancyErrorCode.SLUG_REQUIRED, "Enter a slug for the spa.")
    if len(value) > SLUG_MAX_LENGTH:
        raise field_error(
            TenancyErrorCode.SLUG_INVALID, f"A slug has at most {SLUG_MAX_LENGTH} characters."
        )
    if not _SLUG_RE.match(value):
        raise field_error(
            TenancyErrorCode.SLUG_INVALID,
            "A slug uses lowercase letters, digits and single hyphens, and starts and ends "
            "with a letter or digit.",
        )
    if value in RESERVED_SLUGS:
        raise field_error(TenancyErrorCode.SLUG_RESERVED, "That slug is reserved by the platform.")


def schema_name_for_slug(slug: str) -> str:
    """The PostgreSQL schema of a spa. Injective: slugs never contain underscores."""
    validate_slug(slug)
    return SCHEMA_PREFIX + slug.replace("-", "_")


@lru_cache(maxsize=1)
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value: str) -> None:
    if value not in _timezones():
        raise field_error(
            TenancyErrorCode.TIMEZONE_INVALID,
            "Choose a timezone from the IANA database, such as America/New_York.",
        )


def normalize_hostname(value: str) -> str:
    """Lowercase, no trailing dot, internationalised names in their ASCII (punycode) form."""
    host = value.strip().rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise field_error(
            TenancyErrorCode.DOMAIN_INVALID, "That is not a valid domain name."
        ) from exc


def validate_hostname(host: str) -> None:
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL_RE.match(lbl) for lbl in labels):
        raise field_error(TenancyErrorCode.DOMAIN_INVALID, "That is not a valid domain name.")


def platform_hosts() -> frozenset[str]:
    """Hosts served by the public schema."""
    root = settings.ROOT_DOMAIN
    return frozenset({root, f"www.{root}"})
