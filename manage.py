#!/usr/bin/env python
"""Django's command-line utility (development settings unless DJANGO_SETTINGS_MODULE is set)."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        # A setting that is missing or wrong: one line, not a traceback.
        sys.exit(f"manage.py: {exc}")


if __name__ == "__main__":
    main()
