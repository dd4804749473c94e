"""Booking online: the form's checks, the client the booking is for, and
`online_book`.

Booking finds the patient among the spa's clients by the email typed, or else
by the phone, and books on that record; with no match it creates one. Either
way the answer, its errors and the email sent are the same: whoever types an
email cannot tell whether it belongs to a client. To keep them the same every
input is checked before the lookup, and a found record is never shown nor
changed (the web form is anonymous: what it says about a known person is not
taken over their record, nor noted on the appointment), with one exception:

The date of birth. A service that requires forms sends the patient a forms
link, which asks for the date of birth before showing anything
(tenant_apps/forms/links.py), so booking one asks for it. A new client gets it;
a found client without one gets it filled (audited as an update); one that has
one keeps it, and nothing compares the two: the answer is the same whatever the
stored date (booking is no oracle for dates of birth), and a wrong date typed
is caught later by the link's own check.

Location and services are checked once, by the calendar's checks; the slot is
planned once, by the slot search that decides whether the booking page offers
the start (`offered_slots_at`), and written as planned (`appointment_book_slot`).

Each write runs in one transaction and is audited by the services it calls
(client_create, appointment_book_slot...), as actor role "online".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import TypeVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.errors import field_error
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients import validation
from tenant_apps.clients.models import Client
from tenant_apps.clients.services import client_create, client_identity_lock
from tenant_apps.online_booking import emails
from tenant_apps.online_booking.errors import BookingErrorCode
from tenant_apps.online_booking.selectors import (
    ANY_PROVIDER,
    ProviderChoice,
    bookable_provider,
    offered_slots_at,
    online_profile,
    services_requiring_forms,
)
from tenant_apps.online_booking.services.links import issue_token
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.models import Appointment, AppointmentSource
from tenant_apps.scheduling.selectors.availability import bookable_location, bookable_services
from tenant_apps.scheduling.services.booking import MAX_NOTES, appointment_book_slot
from tenants.models import Spa

_T = TypeVar("_T")

ONLINE_ROLE = "online"
# When a provider is taken between the check and the insert, the next free one is tried.
BOOKING_ATTEMPTS = 3

# What the calendar's refusals are to a patient: the slot is not free. Which
# rule failed (provider off, room taken, location closed) is the spa's business.
NOT_FREE_CODES = {
    "SLOT_TAKEN",
    "NOT_QUALIFIED",
    "LOCATION_CLOSED",
    "PROVIDER_NOT_WORKING",
    "PROVIDER_UNAVAILABLE",
    "RESOURCE_MISSING",
}


def online_actor(request: HttpRequest) -> Actor:
    """The patient on the booking page, as the audit log and history record them."""
    return dataclasses.replace(Actor.of_request(request), user_id=None, role=ONLINE_ROLE)


NOT_FREE = "That time is not available. Choose another time."


def refusal_codes(exc: ValidationError) -> set[str]:
    return {e.code or "" for errors in exc.error_dict.values() for e in errors}


# --- Checking what the form says ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Patient:
    """The person booking, as typed (cleaned)."""

    first_name: str
    last_name: str
    email: str
    phone: str


def _patient(
    *, first_name: str, last_name: str, email: str, phone: str, region: str | None
) -> Patient:
    """Every check the client record would make, made here first: a new client
    must not fail where a known one passes (the difference would tell)."""
    errors: dict[str, ValidationError] = {}
    cleaned: dict[str, str] = {}
    checks = {
        "first_name": lambda: validation.clean_name(first_name, required=True),
        "last_name": lambda: _required(
            validation.clean_name(last_name, required=False),
            BookingErrorCode.NAME_REQUIRED,
            "Enter a last name.",
        ),
        "email": lambda: _email(email),
        "phone": lambda: _required(
            validation.clean_phone(phone, region=region),
            BookingErrorCode.PHONE_REQUIRED,
            "Enter a phone number.",
        ),
    }
    for field, check in checks.items():
        try:
            cleaned[field] = check()
        except ValidationError as exc:
            errors[field] = exc
    if errors:
        raise ValidationError(errors)
    return Patient(**cleaned)


def _required(value: str, code: BookingErrorCode, message: str) -> str:
    if not value:
        raise field_error(code, message)
    return value


def _email(value: str) -> str:
    return _required(
        validation.clean_email(value), BookingErrorCode.EMAIL_REQUIRED, "Enter an email address."
    )


def _checked(
    errors: dict[str, list[ValidationError]], field: str, check: Callable[[], _T]
) -> _T | None:
    """What `check` returns, or None with its errors added to `errors` (all the
    form's mistakes are reported at once)."""
    try:
        return check()
    except ValidationError as exc:
        errors.update(exc.error_dict if hasattr(exc, "error_dict") else {field: [exc]})
        return None


# The oldest date of birth taken: 120 years back (and never before the records'
# own floor, tenant_apps/clients/models.py `client_date_of_birth_plausible`).
MAX_AGE_YEARS = 120
DOB_FLOOR = dt.date(1900, 1, 1)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def clean_date_of_birth(value: dt.date | None, *, required: bool, today: dt.date) -> dt.date | None:
    """The date of birth typed: needed when a chosen service requires forms, not
    after `today` (the location's), not over MAX_AGE_YEARS ago. The messages
    never repeat the date."""
    if value is None:
        if required:
            raise field_error(
                BookingErrorCode.DATE_OF_BIRTH_REQUIRED,
                "Enter your date of birth: your treatment needs medical forms.",
            )
        return None
    if value > today:
        raise field_error(
            BookingErrorCode.DATE_OF_BIRTH_IN_FUTURE, "The date of birth is in the future."
        )
    if value < max(_years_before(today, MAX_AGE_YEARS), DOB_FLOOR):
        raise field_error(
            BookingErrorCode.DATE_OF_BIRTH_INVALID, "Check the year of your date of birth."
        )
    return value


def clean_start(starts_at: dt.datetime | None) -> dt.datetime:
    invalid = field_error(
        BookingErrorCode.START_INVALID, "Give the start time with its UTC offset."
    )
    if starts_at is None or timezone.is_naive(starts_at):
        raise invalid
    try:
        return starts_at.astimezone(dt.UTC)
    except OverflowError:  # the last day of year 9999, west of UTC
        raise invalid from None


def _notes(notes: str) -> str:
    text = (notes or "").strip()
    if len(text) > MAX_NOTES:
        raise field_error(BookingErrorCode.TOO_LONG, f"Keep this under {MAX_NOTES} characters.")
    return text


def within_policy(start: dt.datetime, *, profile: SpaProfile, now: dt.datetime) -> None:
    earliest = now + dt.timedelta(minutes=profile.min_notice_minutes)
    latest = now + dt.timedelta(days=profile.booking_horizon_days)
    if not earliest <= start <= latest:
        raise field_error(
            BookingErrorCode.OUTSIDE_POLICY,
            f"Book from {profile.min_notice_minutes} minutes to "
            f"{profile.booking_horizon_days} days ahead.",
            "starts_at",
        )


# --- Clients ------------------------------------------------------------------------------


def _client_for(patient: Patient, *, actor: Actor, date_of_birth: dt.date | None = None) -> Client:
    """The client the booking is for: the oldest live record with this email,
    else with this phone, else a new one (with `date_of_birth`). A found record
    is left as it is, but for a missing date of birth, which `date_of_birth`
    fills (never replaces). Archived records are not matched (a new record is
    made, for staff to merge). Two bookings at once for the same email or phone
    find or make one record: the second looks once the first has committed."""
    # Every lock the create below may take, taken now in one statement (in key
    # order: no deadlock with a create at the desk sharing some of them).
    client_identity_lock(
        email=patient.email,
        phone=patient.phone,
        first_name=patient.first_name,
        last_name=patient.last_name,
        date_of_birth=date_of_birth,
    )
    live = Client.objects.filter(archived_at__isnull=True).order_by("id")
    found = live.filter(email=patient.email).first() or live.filter(phone=patient.phone).first()
    if found is not None:
        if date_of_birth is not None and _fill_date_of_birth(
            found, date_of_birth=date_of_birth, actor=actor
        ):
            found.date_of_birth = date_of_birth
        return found
    # A name alone (and one typed on an anonymous form) does not make a
    # duplicate worth stopping for; staff merge.
    return client_create(
        actor=actor,
        first_name=patient.first_name,
        last_name=patient.last_name,
        email=patient.email,
        phone=patient.phone,
        date_of_birth=date_of_birth,
        allow_duplicate=True,
    )


def _fill_date_of_birth(client: Client, *, date_of_birth: dt.date, actor: Actor) -> bool:
    """Give a client without a date of birth this one (one conditional update:
    a date the desk saved meanwhile is kept). Whether it did is the caller's
    only; audited as an update of the record."""
    filled = Client.objects.filter(pk=client.pk, date_of_birth__isnull=True).update(
        date_of_birth=date_of_birth, updated_at=timezone.now()
    )
    if filled:
        audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client.pk])
    return bool(filled)


def online_book(
    *,
    actor: Actor,
    spa: Spa,
    location_id: int | None,
    service_ids: Sequence[int | None],
    starts_at: dt.datetime | None,
    first_name: str,
    last_name: str,
    email: str,
    phone: str,
    provider_id: ProviderChoice = ANY_PROVIDER,
    notes: str = "",
    date_of_birth: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book services (back to back) at a location from `starts_at`, with the
    provider named or the first one free then, for the person described (see
    the module docstring: the client is found or created, and nothing tells
    which). The start must be one the booking page offers. `date_of_birth` is
    required when a service requires forms (DATE_OF_BIRTH_REQUIRED), optional
    otherwise. Emails the confirmation with a manage link to `email`."""
    now = now or timezone.now()
    profile = online_profile()
    errors: dict[str, list[ValidationError]] = {}
    location = _checked(errors, "location_id", lambda: bookable_location(location_id, online=True))
    services = _checked(errors, "service_ids", lambda: bookable_services(service_ids, online=True))
    provider = (
        None
        if provider_id is ANY_PROVIDER
        else _checked(errors, "provider_id", lambda: bookable_provider(provider_id))
    )
    start = _checked(errors, "starts_at", lambda: clean_start(starts_at))
    text = _checked(errors, "notes", lambda: _notes(notes))
    patient = _checked(
        errors,
        "email",
        lambda: _patient(
            first_name=first_name,
            last_name=last_name,
            email=email,
            phone=phone,
            # Numbers typed without a country code are read in the location's country.
            region=location.country if location is not None else None,
        ),
    )
    # Asked by the services alone (never by who the patient may be), with the
    # other checks, before any lookup.
    dob = _checked(
        errors,
        "date_of_birth",
        lambda: clean_date_of_birth(
            date_of_birth,
            required=bool(services and services_requiring_forms([s.pk for s in services])),
            today=(
                now.astimezone(ZoneInfo(location.timezone)).date()
                if location is not None
                else now.date()
            ),
        ),
    )
    if errors:
        raise ValidationError(errors)
    assert location and services and start and text is not None and patient
    within_policy(start, profile=profile, now=now)
    # Planned once: each slot is a free provider with the rooms and devices to hold.
    offered = offered_slots_at(
        location=location,
        services=services,
        starts_at=start,
        now=now,
        provider_ids=None if provider is None else [provider.pk],
    )
    if not offered:
        raise field_error(BookingErrorCode.SLOT_TAKEN, NOT_FREE, "starts_at")
    with transaction.atomic():
        client = _client_for(patient, actor=actor, date_of_birth=dob)
        appointment = None
        for slot, free_provider in offered[:BOOKING_ATTEMPTS]:
            try:
                appointment = appointment_book_slot(
                    actor=actor,
                    client=client,
                    provider=free_provider,
                    location=location,
                    services=services,
                    slot=slot,
                    notes=text,
                    source=AppointmentSource.ONLINE,
                )
                break
            except ValidationError as exc:
                # Taken meanwhile (the database refused it): the next free provider.
                if not refusal_codes(exc) <= NOT_FREE_CODES:
                    raise
        if appointment is None:
            raise field_error(BookingErrorCode.SLOT_TAKEN, NOT_FREE, "starts_at")
        secret = issue_token(appointment, email=patient.email)
        emails.send_booking_link(
            spa=spa,
            profile=profile,
            to=patient.email,
            appointment=appointment,
            secret=secret,
            moved=False,
        )
    return appointment
