"""Patients' forms links: a FormRequest names the form versions a patient is
asked to fill, behind a token only the patient's message (or the desk's tablet)
holds.

- The token is `secrets.token_urlsafe(32)`; only its sha256 is stored, and it
  travels in the URL's fragment (`https://<spa host>/forms/fill#<token>`), which
  browsers never send to a server: no PHI and no secret in any URL a log sees.
- A link expires (settings.FORMS_LINK_HOURS, the tablet's FORMS_TABLET_MINUTES),
  closes once every item is answered (single use), and closes after
  settings.FORMS_LINK_MAX_DOB_FAILURES wrong dates of birth. Issuing a new link
  for an appointment (or, without one, for a client) revokes the older open ones.
- Unknown, expired, used and revoked links are refused alike (LINK_INVALID), so
  nothing tells a guess apart from a spent link.

The patient's side (opening a link, submitting a form) is
tenant_apps/forms/patient.py.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import field_error
from shared_apps.accounts.emails import spa_base_url
from shared_apps.accounts.secrets import digest
from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.forms.link_errors import FormLinkErrorCode
from tenant_apps.forms.models import FormRequest, FormRequestItem, RequestChannel
from tenant_apps.forms.outstanding_links import outstanding_versions
from tenant_apps.scheduling.models import HOLDING_STATUSES, Appointment, AppointmentStatus
from tenants.models import Spa

FILL_PATH = "/forms/fill"
# Longer values are no token of ours: refused before hashing.
MAX_TOKEN_LENGTH = 100
# Appointments a link may still be issued for.
OPEN_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
)


def link_url(*, spa: Spa, token: str) -> str:
    """The patient's page for a link: the token in the fragment only."""
    return f"{spa_base_url(spa)}{FILL_PATH}#{token}"


def link_lifetime(channel: str) -> dt.timedelta:
    if channel == RequestChannel.TABLET:
        return dt.timedelta(minutes=settings.FORMS_TABLET_MINUTES)
    return dt.timedelta(hours=settings.FORMS_LINK_HOURS)


def _link_invalid() -> Exception:
    return field_error(FormLinkErrorCode.LINK_INVALID, "This link is not valid.", "token")


def form_request_issue(
    *,
    appointment_id: int | None = None,
    client_id: int | None = None,
    channel: str,
    actor: Actor,
    now: dt.datetime | None = None,
) -> tuple[FormRequest, str]:
    """A new link for an appointment's outstanding forms (or, with `client_id`
    alone, the client's), with the current version of each; the token is
    returned once and never stored. Older open links for the same appointment
    (or client, without one) are revoked. NOTHING_OUTSTANDING when there is
    nothing to fill; NOT_FOUND for an unknown appointment or client."""
    now = now or timezone.now()
    if channel not in RequestChannel.values:
        raise field_error(FormLinkErrorCode.CHANNEL_INVALID, "Unknown channel.", "channel")
    with transaction.atomic():
        appointment: Appointment | None = None
        if appointment_id is not None:
            appointment = (
                Appointment.objects.select_related("client")
                .select_for_update(of=("self",))
                .filter(pk=appointment_id)
                .first()
            )
            if appointment is None:
                raise field_error(
                    FormLinkErrorCode.NOT_FOUND, "No such appointment.", "appointment_id"
                )
            if appointment.status not in OPEN_STATUSES or appointment.ends_at <= now:
                raise field_error(
                    FormLinkErrorCode.APPOINTMENT_CLOSED,
                    "Forms can only be requested for an appointment still to come.",
                    "appointment_id",
                )
            client = appointment.client
        else:
            found = Client.objects.filter(pk=client_id).first() if client_id else None
            if found is None:
                raise field_error(FormLinkErrorCode.NOT_FOUND, "No such client.", "client_id")
            client = found
        if client.archived_at is not None:
            raise field_error(FormLinkErrorCode.NOT_FOUND, "No such client.", "client_id")
        if not client_can_verify(client):
            raise field_error(
                FormLinkErrorCode.DATE_OF_BIRTH_MISSING,
                "Add the client's date of birth first: the link asks for it.",
                "client_id",
            )
        versions = outstanding_versions(client=client, appointment=appointment, now=now)
        if not versions:
            raise field_error(
                FormLinkErrorCode.NOTHING_OUTSTANDING, "No forms are outstanding.", None
            )
        older = FormRequest.objects.filter(
            client=client, completed_at__isnull=True, revoked_at__isnull=True
        )
        older = (
            older.filter(appointment=appointment)
            if appointment
            else older.filter(appointment__isnull=True)
        )
        older.update(revoked_at=now)
        token = secrets.token_urlsafe(32)
        request = FormRequest.objects.create(
            client=client,
            appointment=appointment,
            token_hash=digest(token),
            channel=channel,
            created_at=now,
            expires_at=now + link_lifetime(channel),
            created_by_user_id=actor.user_id,
        )
        FormRequestItem.objects.bulk_create(
            [FormRequestItem(request=request, version=version) for version in versions]
        )
    return request, token


def form_request_by_token(
    token: str, *, now: dt.datetime | None = None, lock: bool = False
) -> FormRequest:
    """The open link a token names (with its client), else LINK_INVALID."""
    now = now or timezone.now()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _link_invalid()
    rows = FormRequest.objects.select_related("client", "appointment")
    if lock:
        rows = rows.select_for_update(of=("self",))
    request = rows.filter(token_hash=digest(token)).first()
    if (
        request is None
        or request.completed_at is not None
        or request.revoked_at is not None
        or request.expires_at <= now
        or request.client.archived_at is not None
        or (request.appointment is not None and request.appointment.status not in HOLDING_STATUSES)
    ):
        raise _link_invalid()
    return request


def date_of_birth_check(
    request: FormRequest, date_of_birth: dt.date | None, *, now: dt.datetime | None = None
) -> bool:
    """Whether `date_of_birth` is the client's. A wrong one counts (committed by
    the caller's transaction, which must not roll back on the refusal); at the
    limit the link is revoked. A client with no date of birth on file never
    matches: staff add it before sending a link (FormRequest issuing refuses
    then; see `client_can_verify`)."""
    expected = request.client.date_of_birth
    if expected is not None and date_of_birth == expected:
        return True
    now = now or timezone.now()
    FormRequest.objects.filter(pk=request.pk).update(failed_checks=F("failed_checks") + 1)
    FormRequest.objects.filter(
        pk=request.pk,
        revoked_at__isnull=True,
        failed_checks__gte=settings.FORMS_LINK_MAX_DOB_FAILURES,
    ).update(revoked_at=now)
    return False


def client_can_verify(client: Client) -> bool:
    """A link asks for the date of birth before showing anything: a client with
    none on file could never open one."""
    return client.date_of_birth is not None


def request_items(request: FormRequest) -> list[FormRequestItem]:
    return list(
        FormRequestItem.objects.filter(request=request).select_related("version").order_by("id")
    )


def request_close_if_done(request: FormRequest, *, now: dt.datetime) -> bool:
    """Close the link once every item is answered (single use)."""
    if FormRequestItem.objects.filter(request=request, response__isnull=True).exists():
        return False
    FormRequest.objects.filter(pk=request.pk, completed_at__isnull=True).update(completed_at=now)
    return True
