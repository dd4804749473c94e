"""Forms' jobs, for Procrastinate's autodiscovery (every app's `tasks` module):
each is declared beside the code it runs."""

from tenant_apps.forms.document_tasks import render_signed_document

__all__ = ["render_signed_document"]
