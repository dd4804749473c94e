"""The forms app's jobs, for Procrastinate's autodiscovery (every app's `tasks`
module): each is declared beside the code it runs."""

from tenant_apps.forms.document_tasks import render_signed_document
from tenant_apps.forms.events import appointment_event
from tenant_apps.forms.reminders import reminder_fanout, reminder_links

__all__ = ["appointment_event", "reminder_fanout", "reminder_links", "render_signed_document"]
