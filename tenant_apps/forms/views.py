"""POST /forms/upload: a photo a form of a patient's link asks for (multipart:
`token`, `dateOfBirth` (YYYY-MM-DD) and `file`). Answers JSON: 201
`{"fileId": "<id>"}` to put in the answer (`{"file_id": <id>}`), or
`{"code", "message", "field"}` with 400 (a bad file or date), 403 (a wrong date
of birth, counted), 404 (LINK_INVALID: unknown, expired, used or revoked),
413 (too large), 429 (too many from this address) or 405. Rate limited per
client address with the booking API's "forms" group."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from core.graphql.mutations import errors_from
from tenant_apps.files.errors import FilesErrorCode
from tenant_apps.forms.link_errors import FormLinkErrorCode
from tenant_apps.forms.patient import form_link_upload, patient_actor

_CODES = frozenset([*map(str, FormLinkErrorCode), *map(str, FilesErrorCode)])
_STATUS = {
    FormLinkErrorCode.LINK_INVALID: 404,
    FormLinkErrorCode.DATE_OF_BIRTH_MISMATCH: 403,
    FilesErrorCode.FILE_TOO_LARGE: 413,
}


def _refuse(code: str, message: str, field: str | None, status: int) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, "field": field}, status=status)


@csrf_exempt
def form_upload(request: HttpRequest) -> JsonResponse:
    if request.method != "POST":
        response = _refuse("METHOD_NOT_ALLOWED", "POST a file.", None, 405)
        response["Allow"] = "POST"
        return response
    spa = getattr(request, "spa", None)
    if is_ratelimited(
        request,
        group=f"booking:forms:{spa.schema_name if spa is not None else 'public'}",
        key="ip",
        rate=settings.BOOKING_RATES["forms"],
        increment=True,
    ):
        return _refuse(
            str(FormLinkErrorCode.RATE_LIMITED), "Too many requests. Try again shortly.", None, 429
        )
    upload = request.FILES.get("file")
    try:
        date_of_birth = dt.date.fromisoformat(request.POST.get("dateOfBirth", ""))
    except ValueError:
        date_of_birth = None
    if upload is None:
        return _refuse(str(FormLinkErrorCode.UPLOAD_INVALID), "Attach a file.", "file", 400)
    try:
        stored = form_link_upload(
            actor=patient_actor(request),
            token=request.POST.get("token", ""),
            date_of_birth=date_of_birth,
            upload=upload,
        )
    except ValidationError as exc:
        first = errors_from(exc, _CODES, where="form_upload")[0]
        return _refuse(
            first["code"], first["message"], first["field"], _STATUS.get(first["code"], 400)
        )
    return JsonResponse({"fileId": str(stored.pk)}, status=201)
