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
see is what Twilio would get. The local transports answer Twilio's magic test
numbers as Twilio does (+15005550001 invalid, +15005550004 opted out,
+15005550009 not mobile), and raise what is put in `failures` (tests: what the
network would raise).

A failure says whether sending again is safe: `SmsNotSent` (the request surely
never reached Twilio, or Twilio answered that it made no message: retry),
`SmsMaybeSent` (the request went and no answer came: Twilio may have accepted
it, so never send it again) and `SmsRefused` (refused for good: no retry).
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import uuid
from typing import Any

import requests
import urllib3
from django.conf import settings
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client as TwilioClient

# Seconds to wait for Twilio (to connect, then between bytes of the answer).
TIMEOUT = 10
# Twilio's codes for a message that no retry can send.
PERMANENT_CODES = {21610: "opted_out", 21211: "invalid_number", 21614: "not_mobile"}
# Twilio's magic test numbers the local transports answer as Twilio does.
_MAGIC_NUMBERS = {"+15005550001": 21211, "+15005550004": 21610, "+15005550009": 21614}

# What the "locmem" transport sent, oldest first (tests empty it).
outbox: list[dict[str, str]] = []
# What the local transports raise instead of answering, oldest first (tests).
failures: list[BaseException] = []
_outbox_lock = threading.Lock()


class SmsError(Exception):
    """The provider refused or could not be reached; `code` says why (no PHI)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class SmsNotSent(SmsError):
    """The message surely did not go: sending it again is safe."""


class SmsMaybeSent(SmsError):
    """The request went and no answer came: Twilio may have accepted it."""


class SmsRefused(SmsError):
    """Twilio refused the message for good (opted out, invalid, not mobile)."""


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
        with _outbox_lock:
            failure = failures.pop(0) if failures else None
        if failure is not None:
            raise failure
        fields = {key: str(value) for key, value in (data or {}).items()}
        refused = _MAGIC_NUMBERS.get(fields.get("To", ""))
        if refused is not None:
            return Response(400, json.dumps({"code": refused, "message": "refused", "status": 400}))
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
        return TwilioClient(
            settings.TWILIO_ACCOUNT_SID,
            settings.TWILIO_AUTH_TOKEN,
            http_client=TwilioHttpClient(timeout=TIMEOUT),
        )
    return TwilioClient("AC" + "0" * 32, "local", http_client=_LocalTransport(backend))


def _surely_not_sent(exc: OSError) -> bool:
    """Whether a network failure happened before the request left: no
    connection was made (refused, no such host, connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if isinstance(exc, requests.exceptions.ConnectionError) and not isinstance(
        exc, requests.exceptions.SSLError
    ):
        cause = exc.args[0] if exc.args else None
        reason = getattr(cause, "reason", cause)
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


def send_sms(*, to: str, body: str, status_callback: str = "") -> str:
    """Send `body` to `to` (E.164) from the platform's number; Twilio's message
    id. Raises an `SmsError` subclass saying whether a retry is safe."""
    from twilio.base.exceptions import TwilioException, TwilioRestException

    options: dict[str, Any] = {"to": to, "from_": settings.TWILIO_FROM_NUMBER, "body": body}
    if status_callback:
        options["status_callback"] = status_callback
    try:
        message = _client().messages.create(**options)
    except TwilioRestException as exc:
        if exc.code in PERMANENT_CODES:
            raise SmsRefused(PERMANENT_CODES[exc.code]) from None
        # Twilio answered with an error: it made no message.
        raise SmsNotSent(f"twilio_{exc.code or exc.status}") from None
    except TwilioException:
        raise SmsNotSent("unreachable") from None
    except OSError as exc:
        if _surely_not_sent(exc):
            raise SmsNotSent("unreachable") from None
        raise SmsMaybeSent("no_answer") from None
    return str(message.sid)
