"""Text messages through Twilio's library, with transports for development and
tests. Domain-free: a number, a body, an optional status callback URL in; the
provider's message id out.

`SMS_BACKEND` chooses where the library's HTTP requests go:
- "twilio": Twilio's API (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM_NUMBER);
- "locmem": nowhere; each message is appended to `outbox` (tests, like Django's
  locmem mail backend);
- "file": appended as a JSON line to SMS_FILE_PATH (a worker in another process
  under test: the test reads what it sent);
- "console": printed to standard output (development).
In every case the request is built by Twilio's own client, so what the tests
see is what Twilio would get.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import uuid
from typing import Any

from django.conf import settings
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client as TwilioClient

# What the "locmem" transport sent, oldest first (tests empty it).
outbox: list[dict[str, str]] = []
_outbox_lock = threading.Lock()


class SmsError(Exception):
    """The provider refused or could not be reached; `code` says why (no PHI)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class _LocalTransport(HttpClient):
    """Answers Twilio's "create message" request as Twilio would, and keeps the message."""

    def __init__(self, backend: str) -> None:
        super().__init__(logging.getLogger("twilio.http_client"), is_async=False)
        self.backend = backend

    def request(
        self,
        method: str,
        uri: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        if method != "POST" or not uri.endswith("/Messages.json"):
            return Response(404, json.dumps({"code": 20404, "message": "not found"}))
        fields = {key: str(value) for key, value in (data or {}).items()}
        sid = "SM" + uuid.uuid4().hex
        record = {
            "sid": sid,
            "to": fields.get("To", ""),
            "from": fields.get("From", ""),
            "body": fields.get("Body", ""),
            "status_callback": fields.get("StatusCallback", ""),
        }
        if self.backend == "locmem":
            with _outbox_lock:
                outbox.append(record)
        elif self.backend == "file":
            with open(settings.SMS_FILE_PATH, "a", encoding="utf-8") as sink:
                sink.write(json.dumps(record) + "\n")
        else:
            sys.stdout.write(f"SMS to {record['to']}: {record['body']}\n")
        body = {**record, "status": "queued", "account_sid": auth[0] if auth else ""}
        return Response(201, json.dumps(body))


def _client() -> TwilioClient:
    backend = settings.SMS_BACKEND
    if backend == "twilio":
        return TwilioClient(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    return TwilioClient("AC" + "0" * 32, "local", http_client=_LocalTransport(backend))


def send_sms(*, to: str, body: str, status_callback: str = "") -> str:
    """Send `body` to `to` (E.164) from the platform's number; Twilio's message id."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    options: dict[str, Any] = {"to": to, "from_": settings.TWILIO_FROM_NUMBER, "body": body}
    if status_callback:
        options["status_callback"] = status_callback
    try:
        message = _client().messages.create(**options)
    except TwilioRestException as exc:
        raise SmsError(f"twilio_{exc.code or exc.status}") from None
    except (TwilioException, OSError):
        raise SmsError("unreachable") from None
    return str(message.sid)
