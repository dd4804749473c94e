"""The patient's copy of a signed document: an emailed link to
`/forms/copy#<token>` on the spa's host (tenant_apps/forms/copy_pages.py).

- The token is `secrets.token_urlsafe(32)`, only its sha256 is stored, and it
  travels in the URL's fragment, which browsers never send: no PHI and no
  secret in any URL a log sees.
- The PDF downloads only with the patient's date of birth; each wrong one
  counts, and the link closes at settings.FORMS_COPY_MAX_FAILED_CHECKS. A link
  expires after settings.FORMS_COPY_LINK_DAYS. Unknown, expired and closed links
  (and links of another spa: the lookup runs in this spa's schema) are refused
  alike, so nothing tells a guess apart from a spent link.
- Each download is audited as a view of the client's record by the link's holder.
"""

from __future__ import annotations

import datetime as dt
import enum
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shared_apps.accounts.emails import spa_base_url
from shared_apps.accounts.secrets import digest
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.files.services import file_open
from tenant_apps.forms.links import MAX_TOKEN_LENGTH
from tenant_apps.forms.models import DocumentLink, FormResponse, SignedDocument
from tenants.models import Spa

COPY_PATH = "/forms/copy"


def copy_url(*, spa: Spa, token: str) -> str:
    """The patient's copy page for a link: the token in the fragment only."""
    return f"{spa_base_url(spa)}{COPY_PATH}#{token}"


def document_link_issue(
    *, response: FormResponse, now: dt.datetime | None = None
) -> tuple[DocumentLink, str]:
    """A new copy link for a signed response; the token is returned once and never stored."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    link = DocumentLink.objects.create(
        response=response,
        token_hash=digest(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.FORMS_COPY_LINK_DAYS),
    )
    return link, token


class CopyOutcome(enum.Enum):
    OK = "ok"
    # Unknown, expired, closed, or no signed document (yet): one answer for all.
    LINK_INVALID = "link_invalid"
    WRONG_DATE_OF_BIRTH = "wrong_date_of_birth"


@dataclass(frozen=True)
class CopyResult:
    outcome: CopyOutcome
    data: bytes = b""
    # Wrong dates of birth still allowed before the link closes.
    attempts_left: int = 0


def _live_link(token: str, *, now: dt.datetime) -> DocumentLink | None:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return (
        DocumentLink.objects.select_for_update(of=("self",))
        .select_related("response__client")
        .filter(token_hash=digest(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )


def document_copy_download(
    *,
    token: str,
    date_of_birth: dt.date | None,
    actor: Actor,
    now: dt.datetime | None = None,
) -> CopyResult:
    """The signed PDF behind a live copy link, when `date_of_birth` is the
    client's. A wrong (or missing) date counts against the link, which closes at
    the limit; the count is committed even though the download is refused."""
    now = now or timezone.now()
    with transaction.atomic():
        link = _live_link(token, now=now)
        if link is None:
            return CopyResult(CopyOutcome.LINK_INVALID)
        client = link.response.client
        if client.date_of_birth is None or date_of_birth != client.date_of_birth:
            failed = link.failed_checks + 1
            closing = failed >= settings.FORMS_COPY_MAX_FAILED_CHECKS
            DocumentLink.objects.filter(pk=link.pk).update(
                failed_checks=F("failed_checks") + 1, revoked_at=now if closing else None
            )
            if closing:
                return CopyResult(CopyOutcome.LINK_INVALID)
            return CopyResult(
                CopyOutcome.WRONG_DATE_OF_BIRTH,
                attempts_left=settings.FORMS_COPY_MAX_FAILED_CHECKS - failed,
            )
        document = (
            SignedDocument.objects.select_related("file")
            .filter(response_id=link.response_id)
            .first()
        )
        if document is None:
            return CopyResult(CopyOutcome.LINK_INVALID)
        data = file_open(document.file)
        DocumentLink.objects.filter(pk=link.pk).update(last_downloaded_at=now)
        # The read is logged with the download, by the link's holder.
        audit_record(actor=actor, action=AuditAction.VIEW, client_ids=[client.pk])
    return CopyResult(CopyOutcome.OK, data=data)
