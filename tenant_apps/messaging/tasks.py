"""Messaging's jobs, for Procrastinate's autodiscovery (every app's `tasks`
module): each is declared beside the code it runs."""

from tenant_apps.messaging.events import appointment_event
from tenant_apps.messaging.sending import message_send
from tenant_apps.messaging.waitlist import waitlist_offer_expire

__all__ = ["appointment_event", "message_send", "waitlist_offer_expire"]
