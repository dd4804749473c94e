"""What a patient receives about an online booking: plain text, written when the
booking changes and sent after commit, to the address typed on the form.

An email describes one booking, with what the booking page itself shows (time,
place, provider, services). Nothing comes from the client record, not even the
name on it: the address typed may be anyone's, and a record found by that email
or phone must not show through. Nothing typed on the form (names, notes) is
repeated either, so the spa's emails cannot carry a stranger's text to someone's
inbox. Each email is the same for a new and a returning client.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from shared_apps.accounts.emails import spa_base_url
from tenant_apps.online_booking.selectors import booking_reference
from tenant_apps.profile.models import SpaProfile
from tenant_apps.scheduling.models import Appointment
from tenant_apps.scheduling.services.manage_links import manage_url
from tenants.models import Spa


def manage_link(spa: Spa, secret: str) -> str:
    """The booking page's link to manage a booking. The token is in the fragment:
    browsers never send it to a server, so it stays out of access logs and
    Referer headers; the page reads it and sends it to the API in a POST body."""
    return manage_url(spa, secret)


def _send_on_commit(*, to: str, subject: str, body: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )


def _details(appointment: Appointment) -> tuple[str, str]:
    """(the date for a subject line, the booking's description)."""
    location = appointment.location
    zone = ZoneInfo(location.timezone)
    start, end = appointment.starts_at.astimezone(zone), appointment.ends_at.astimezone(zone)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    address = ", ".join(
        part
        for part in (
            location.address_line1,
            location.address_line2,
            location.city,
            location.region,
            location.postal_code,
        )
        if part
    )
    # No treatment named: an email is not a private channel, so what is booked
    # (a neurotoxin, a filler) is shown only behind the manage link's token.
    description = (
        f"When: {day}, {start:%H:%M} to {end:%H:%M} ({start.tzname()})\n"
        f"Where: {location.name}{', ' + address if address else ''}\n"
        f"With: {appointment.provider.display_name}\n"
        f"Reference: {booking_reference(appointment.pk)}"
    )
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}", description


def _contact(profile: SpaProfile) -> str:
    ways = [way for way in (profile.contact_phone, profile.contact_email) if way]
    return f" ({' or '.join(ways)})" if ways else ""


def send_booking_link(
    *, spa: Spa, profile: SpaProfile, to: str, appointment: Appointment, secret: str, moved: bool
) -> None:
    """The confirmation of a booking (or of its new time), with a new manage link."""
    when, description = _details(appointment)
    window = profile.cancellation_window_hours
    intro = "has moved. Here is the new time" if moved else "is booked"
    _send_on_commit(
        to=to,
        subject=f"{'Moved' if moved else 'Booked'}: {spa.name}, {when}",
        body=(
            f"Your appointment at {spa.name} {intro}.\n\n"
            f"{description}\n\n"
            "To cancel or reschedule, open this link. It works once; every change sends "
            f"a new one.\n{manage_link(spa, secret)}\n\n"
            f"Changes online are possible until {window} hours before the start; after "
            f"that, contact {spa.name}{_contact(profile)}.\n\n"
            "If you did not make this booking, open the link to cancel it."
        ),
    )


def send_cancellation(*, spa: Spa, profile: SpaProfile, to: str, appointment: Appointment) -> None:
    when, description = _details(appointment)
    _send_on_commit(
        to=to,
        subject=f"Cancelled: {spa.name}, {when}",
        body=(
            f"Your appointment at {spa.name} is cancelled.\n\n{description}\n\n"
            f"To book again, visit {spa_base_url(spa)}/booking/ or contact "
            f"{spa.name}{_contact(profile)}."
        ),
    )
