"""`/files/<token>` on a spa's host: a stored file, to a signed-in member.

Served only when the token's signature is good, it names this spa's schema,
the request carries a member's bearer token (the spa API's sign-in,
shared_apps/accounts/middleware.py: there are no cookies on a spa's host, so
the web app fetches the file with its token and shows it from a blob) and,
when the token was made for one member, it is that member. Anything else is
404, alike for a foreign, tampered, unknown or unauthenticated request; a good
token past its time is 410. Each read is audited as a view of the file's
client. The answer can never be cached, sniffed as another type or run as a
page (CSP sandbox).
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_http_methods

from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.files.models import StoredFile
from tenant_apps.files.storage import spa_storage
from tenant_apps.files.tokens import token_read
from tenants.db import connection

GONE = "This link has expired."


def _not_found() -> Http404:
    return Http404("No such file.")


def _headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "HEAD"])
def file_serve(request: HttpRequest, token: str) -> HttpResponseBase:
    found = token_read(token)
    membership = getattr(request, "membership", None)
    if (
        found is None
        or found.schema_name != connection.schema_name
        or membership is None
        or (found.user_id is not None and found.user_id != membership.user_id)
    ):
        raise _not_found()
    if found.expired:
        return _headers(HttpResponse(GONE, status=410, content_type="text/plain; charset=utf-8"))
    file = StoredFile.objects.filter(pk=found.file_id).first()
    if file is None:
        raise _not_found()
    try:
        handle = spa_storage().open(file.key, "rb")
    except (FileNotFoundError, OSError):
        raise _not_found() from None
    # The read is logged before a byte leaves (autocommit: it stands alone).
    audit_record(
        actor=Actor.of_request(request),
        action=AuditAction.VIEW,
        client_ids=[file.client_id] if file.client_id is not None else [],
    )
    extension = file.key.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type=file.content_type,
        as_attachment=found.download,
        filename=f"{file.purpose}-{file.pk}.{extension}",
    )
    response["Content-Length"] = str(file.size_bytes)
    return _headers(response)
