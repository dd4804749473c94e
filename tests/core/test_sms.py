"""core/sms.py: Twilio is never waited on for ever, and each failure says
whether sending again is safe: only a request that surely never reached Twilio
is retried; one that went unanswered may have been accepted."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import requests
from twilio.http.http_client import TwilioHttpClient

from core import sms


@pytest.fixture(autouse=True)
def clean_transport() -> Iterator[None]:
    sms.outbox.clear()
    sms.failures.clear()
    yield
    sms.outbox.clear()
    sms.failures.clear()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _raised_by_twilio_client(url: str) -> OSError:
    """What Twilio's own HTTP client raises for a request to `url`."""
    try:
        TwilioHttpClient(timeout=0.5).request("POST", url, data={"To": "+15550100"})
    except OSError as exc:
        return exc
    raise AssertionError("the request was answered")


def test_the_twilio_client_gives_up_after_ten_seconds(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = "AC" + "1" * 32
    settings.TWILIO_AUTH_TOKEN = "secret"

    client = sms._client()

    assert isinstance(client.http_client, TwilioHttpClient)
    assert client.http_client.timeout == 10


def test_a_refused_connection_is_surely_not_sent_and_may_be_retried():
    refused = _raised_by_twilio_client(f"http://127.0.0.1:{_free_port()}/Messages.json")
    sms.failures.append(refused)

    with pytest.raises(sms.SmsNotSent) as caught:
        sms.send_sms(to="+15550100", body="Hello")

    assert caught.value.code == "unreachable"
    assert sms.outbox == []


def test_a_connect_timeout_is_surely_not_sent():
    sms.failures.append(requests.exceptions.ConnectTimeout())

    with pytest.raises(sms.SmsNotSent):
        sms.send_sms(to="+15550100", body="Hello")


def test_no_answer_after_the_request_went_may_have_been_sent():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        timed_out = _raised_by_twilio_client(f"http://127.0.0.1:{port}/Messages.json")
    assert isinstance(timed_out, requests.exceptions.ReadTimeout)
    sms.failures.append(timed_out)

    with pytest.raises(sms.SmsMaybeSent) as caught:
        sms.send_sms(to="+15550100", body="Hello")

    assert caught.value.code == "no_answer"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("+15005550004", "opted_out"),
        ("+15005550001", "invalid_number"),
        ("+15005550009", "not_mobile"),
    ],
)
def test_a_permanent_refusal_by_twilio_says_why(number, code):
    with pytest.raises(sms.SmsRefused) as caught:
        sms.send_sms(to=number, body="Hello")

    assert caught.value.code == code
    assert sms.outbox == []
