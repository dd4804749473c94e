"""The files app's jobs, for Procrastinate's autodiscovery (every app's `tasks`
module): each is declared beside the code it runs."""

from tenant_apps.files.sweep import files_sweep_fanout, files_sweep_spa

__all__ = ["files_sweep_fanout", "files_sweep_spa"]
