"""Keeping values about people out of logs and error reports."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|“[^”]*”")
_PARENS_VALUES = re.compile(r"=\([^)]*\)")
_NUMBER = re.compile(r"\b\d[\d\-/:.]*\b")
_DETAIL = re.compile(r"\b(DETAIL|HINT|CONTEXT):.*", re.DOTALL)


def scrub_text(text: str) -> str:
    """A message's shape without its quoted values, numbers, emails and DETAIL
    lines. Not enough on its own for free text (it keeps unquoted words): used
    where the text is ours, such as migration errors for the platform team."""
    text = _DETAIL.sub(r"\1: [redacted]", text)
    text = _EMAIL.sub("[email]", text)
    text = _QUOTED.sub("[value]", text)
    text = _PARENS_VALUES.sub("=([value])", text)
    return _NUMBER.sub("[n]", text)


class RedactingFilter(logging.Filter):
    """On the log handler: what a record carries besides our own message.

    - `request`: Django attaches the request to every 4xx/5xx line of
      `django.request`, and a formatter writes out its repr, URL and query string
      included: dropped.
    - `exc_info`: a traceback ends with the exception's message, which can quote
      data: kept as the exception's type only (`exc_type`).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "request"):
            record.request = None
        if record.exc_info:
            exc_type = record.exc_info[0]
            record.exc_type = exc_type.__name__ if exc_type else None
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True
