"""Reading settings from the environment: django-environ's `Env`, except that a
value that cannot be read as what the setting needs is an ImproperlyConfigured
naming the variable (not a ValueError from deep inside `int()`), which
manage.py prints as one line. The value itself is never echoed: it may be a
secret."""

from __future__ import annotations

from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


class Env(environ.Env):
    def get_value(
        self,
        var: str,
        cast: Any = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ImproperlyConfigured:
            raise
        except (ValueError, TypeError) as exc:
            kind = getattr(cast, "__name__", None) or "value of its kind"
            raise ImproperlyConfigured(
                f"{var} is set to something that is not a valid {kind}"
            ) from exc
