"""`POST /photos/upload` on a spa's host: a clinical photo, as multipart form
data (GraphQL here takes JSON bodies only, core/graphql/view.py).

Fields: `file` (the image), `clientId`, `appointmentId` (optional) (global IDs
of the spa API), `bodyArea`, `view`, `phase` (the values or the API's enum
names: `full_face` or `FULL_FACE`), `takenAt` (optional, ISO 8601 with a zone).

Signed-in members only, by the spa API's bearer token (there are no cookies on
a spa's host, so no CSRF surface: a page of another site cannot make the
browser send the token), with the upload roles (owners, managers, providers;
a provider names only their own appointments, as scheduling limits them).
Answers JSON: 201 `{"photo": {"id": ...}, "errors": []}`, or `{"photo": null,
"errors": [{"code", "message", "field"}]}` with 400 (invalid), 401 (not
signed in), 403 (role, or the spa suspended), 404 (client or appointment), 413 (too large, checked
from Content-Length before the body is read and again while reading it), 415
(not multipart, or not an allowed image).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.graphql.relay import pk_from_global_id, to_global_id
from shared_apps.accounts.models import Role
from tenant_apps.audit.services import Actor
from tenant_apps.photos.errors import PhotosErrorCode
from tenant_apps.photos.services import photo_upload
from tenant_apps.scheduling.graphql.types import provider_scope

UPLOAD_ROLES = frozenset({Role.OWNER, Role.MANAGER, Role.PROVIDER})
# Room for the form's other fields and the multipart framing.
MULTIPART_OVERHEAD = 64 * 1024
STATUS = {
    PhotosErrorCode.FILE_TOO_LARGE: 413,
    PhotosErrorCode.FILE_TYPE_NOT_ALLOWED: 415,
    PhotosErrorCode.NOT_FOUND: 404,
}


def _camel(field: str | None) -> str | None:
    if not field or field == "__all__":
        return None
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


def _refusal(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse(
        {"photo": None, "errors": [{"code": code, "message": message, "field": field}]},
        status=status,
    )


def _errors(error: ValidationError) -> JsonResponse:
    items: list[dict[str, Any]] = []
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for one in errors:
                name = "file" if field == "upload" else _camel(field)
                items.append({"code": one.code, "message": one.messages[0], "field": name})
    else:
        items = [
            {"code": e.code, "message": e.messages[0], "field": None} for e in error.error_list
        ]
    known = {code.value for code in PhotosErrorCode}
    for entry in items:
        if entry["code"] not in known:
            entry["code"] = PhotosErrorCode.VALUE_INVALID.value
    status = max((STATUS.get(PhotosErrorCode(e["code"]), 400) for e in items), default=400)
    return JsonResponse({"photo": None, "errors": items}, status=status)


def _choice(value: str) -> str:
    return value.strip().lower()


@csrf_exempt  # bearer-token API, no cookies (see the module)
@require_http_methods(["POST"])
def photo_upload_view(request: HttpRequest) -> JsonResponse:
    membership = getattr(request, "membership", None)
    if membership is None:
        return _refusal(401, "UNAUTHENTICATED", "Sign in to upload photos.")
    if membership.role not in UPLOAD_ROLES:
        return _refusal(403, "FORBIDDEN", "Owners, managers and providers upload photos.")
    spa = getattr(request, "spa", None)
    if spa is not None and spa.is_read_only:
        # As the API's mutations (core/graphql/view.py): a suspended spa is read-only.
        return _refusal(
            403, "SPA_SUSPENDED", "This spa is suspended: it can be read but not changed."
        )
    if request.content_type != "multipart/form-data":
        return _refusal(415, "UNSUPPORTED_MEDIA_TYPE", "Send multipart/form-data.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.FILES_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
        megabytes = settings.FILES_MAX_UPLOAD_BYTES / (1024 * 1024)
        return _refusal(
            413, PhotosErrorCode.FILE_TOO_LARGE, f"A file may be at most {megabytes:g} MB.", "file"
        )
    try:
        upload = request.FILES.get("file")
        form = request.POST
    except MultiPartParserError:
        return _refusal(400, PhotosErrorCode.VALUE_INVALID, "The form could not be read.")
    if upload is None:
        return _refusal(400, PhotosErrorCode.VALUE_INVALID, "Attach the photo.", "file")
    client_id = pk_from_global_id(form.get("clientId", ""), "Client")
    if client_id is None:
        return _refusal(404, PhotosErrorCode.NOT_FOUND, "No such client.", "clientId")
    appointment_id = None
    if form.get("appointmentId"):
        appointment_id = pk_from_global_id(form["appointmentId"], "Appointment")
        if appointment_id is None:
            return _refusal(404, PhotosErrorCode.NOT_FOUND, "No such appointment.", "appointmentId")
    taken_at = None
    if form.get("takenAt"):
        try:
            taken_at = parse_datetime(form["takenAt"])
        except ValueError:
            taken_at = None
        if taken_at is None:
            return _refusal(400, PhotosErrorCode.VALUE_INVALID, "Not a date and time.", "takenAt")
    try:
        with transaction.atomic():
            photo = photo_upload(
                upload=upload,
                client_id=client_id,
                appointment_id=appointment_id,
                body_area=_choice(form.get("bodyArea", "")),
                view=_choice(form.get("view", "")),
                phase=_choice(form.get("phase", "")),
                taken_at=taken_at,
                actor=Actor.of_request(request),
                provider_scope=provider_scope(membership),
            )
    except ValidationError as error:
        return _errors(error)
    return JsonResponse(
        {"photo": {"id": to_global_id("Photo", photo.pk)}, "errors": []}, status=201
    )
