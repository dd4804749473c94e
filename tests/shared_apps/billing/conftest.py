"""Billing tests run stripe-python against a real localstripe server.

- `localstripe` (session): the server (localstripe_server.py), started on
  127.0.0.1 at a free port the first time a test asks for it, checked ready,
  and terminated at the end of the session (or with the test process, however
  it ends). Its signed webhook deliveries go to `WebhookSink`, a small HTTP
  server on loopback that keeps what it receives, so tests can replay a
  delivery byte for byte into the platform.
- `stripe_api` (per test): points the platform at that server and gives tests
  a StripeClient for setting the scene (customers, cards, invoices) plus
  helpers for events: the ones localstripe made (`event_of`), and, for what
  localstripe cannot make (Checkout, `invoice.paid`, `...updated`), events
  built from real localstripe objects and signed the way Stripe signs them
  (`stripe.WebhookSignature`: `t=<time>,v1=HMAC-SHA256(secret, "<time>.<body>")`).
- `plans`: the plans synced to localstripe (products and tiered prices).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import stripe
from django.core.cache import cache

from shared_apps.billing.models import Plan, Subscription, SubscriptionStatus
from shared_apps.billing.plans import plans_sync
from tests.conftest import HostClient

ROOT = Path(__file__).resolve().parents[3]
WEBHOOK_SECRET = "whsec_test_platform"
GOOD_CARD = "4242424242424242"
# Asks for 3-D Secure on every payment: how localstripe can fail a renewal.
AUTH_CARD = "4000002500003155"


@dataclass
class Delivery:
    body: bytes
    signature: str

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)
        return event


@dataclass
class WebhookSink:
    """What localstripe delivered, in order of arrival."""

    deliveries: list[Delivery] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    server: ThreadingHTTPServer | None = None

    def start(self) -> str:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with sink.arrived:
                    sink.deliveries.append(
                        Delivery(body=body, signature=self.headers.get("Stripe-Signature", ""))
                    )
                    sink.arrived.notify_all()
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def wait_for(self, event_type: str, object_id: str, timeout: float = 15.0) -> Delivery:
        """The delivery of `event_type` about `object_id` (localstripe sends each
        event about a second after it happens)."""

        def found() -> Delivery | None:
            for delivery in self.deliveries:
                event = delivery.event
                if event["type"] == event_type and event["data"]["object"]["id"] == object_id:
                    return delivery
            return None

        with self.arrived:
            self.arrived.wait_for(lambda: found() is not None, timeout=timeout)
            delivery = found()
        assert delivery is not None, f"no {event_type} for {object_id} within {timeout}s"
        return delivery


@dataclass
class LocalStripe:
    url: str
    sink: WebhookSink


def _read_port(process: subprocess.Popen[str], deadline: float) -> int:
    assert process.stdout is not None
    line: list[str] = []

    def read() -> None:
        line.append(process.stdout.readline() if process.stdout else "")

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(max(0.0, deadline - time.monotonic()))
    if not line or not line[0].startswith("PORT "):
        raise RuntimeError("localstripe did not start")
    return int(line[0].split()[1])


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    """A localstripe server for this test session, on loopback."""
    with tempfile.TemporaryFile(mode="w+") as errors:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
            [
                sys.executable,
                "-m",
                "tests.shared_apps.billing.localstripe_server",
                "--from-scratch",
                "--port",
                "0",
                "--parent-pid",
                str(os.getpid()),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
        sink = WebhookSink()
        try:
            deadline = time.monotonic() + 30
            try:
                port = _read_port(process, deadline)
                url = f"http://127.0.0.1:{port}"
                _wait_ready(url, deadline)
            except Exception:
                process.kill()
                errors.seek(0)
                raise RuntimeError(
                    f"localstripe failed to start:\n{errors.read()[-2000:]}"
                ) from None
            response = requests.post(
                f"{url}/_config/webhooks/platform-tests",
                data={"url": sink.start(), "secret": WEBHOOK_SECRET},
                timeout=5,
            )
            response.raise_for_status()
            yield LocalStripe(url=url, sink=sink)
        finally:
            sink.stop()
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()


def _wait_ready(url: str, deadline: float) -> None:
    while True:
        try:
            answer = requests.get(
                f"{url}/v1/customers", params={"limit": 1}, auth=("sk_test_ready", ""), timeout=2
            )
            if answer.status_code == 200:
                return
        except requests.ConnectionError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("localstripe not ready")
        time.sleep(0.1)


def event_payload(event_type: str, obj: dict[str, Any], *, created: int | None = None) -> dict:
    """An event as Stripe sends it, around a real object."""
    return {
        "id": f"evt_test_{secrets.token_hex(10)}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created if created is not None else int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def sign(event: dict[str, Any], *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """The body and Stripe-Signature header Stripe would send for `event`."""
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return body.encode(), header


class StripeApi:
    """The test's hands on localstripe (never the platform's code)."""

    def __init__(self, server: LocalStripe) -> None:
        self.server = server
        self.client = stripe.StripeClient(
            "sk_test_scene", base_addresses={"api": server.url}, max_network_retries=0
        )
        self.started = int(time.time()) - 1

    def customer(self, *, spa_id: int, card: str | None = GOOD_CARD) -> str:
        customer = self.client.v1.customers.create(
            params={"email": "billing@spa.example", "metadata": {"spa_id": str(spa_id)}}
        )
        if card:
            self.use_card(customer.id, card)
        return customer.id

    def use_card(self, customer_id: str, number: str) -> str:
        method = self.client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"},
            }
        )
        self.client.v1.payment_methods.attach(method.id, params={"customer": customer_id})
        self.client.v1.customers.update(
            customer_id, params={"invoice_settings": {"default_payment_method": method.id}}
        )
        return method.id

    def subscribe(self, *, customer_id: str, price_id: str, spa_id: int, quantity: int = 1):
        return self.client.v1.subscriptions.create(
            params={
                "customer": customer_id,
                "items": [{"plan": price_id, "quantity": quantity}],
                "metadata": {"spa_id": str(spa_id)},
            }
        )

    def fail_renewal(self, *, customer_id: str, subscription_id: str) -> str:
        """A renewal invoice the bank will not pay: the card asks for 3-D Secure
        and the customer fails it. localstripe then makes the subscription
        past_due and sends invoice.payment_failed. Returns the invoice id."""
        self.use_card(customer_id, AUTH_CARD)
        invoice = self.client.v1.invoices.create(
            params={"customer": customer_id, "subscription": subscription_id}
        )
        invoice = self.client.v1.invoices.pay(invoice.id)
        # (an older API shape: Stripe's invoices no longer carry payment_intent)
        intent = self.client.v1.payment_intents.retrieve(invoice.to_dict()["payment_intent"])
        self.client.raw_request(
            "post",
            f"/v1/payment_intents/{intent.id}/_authenticate",
            client_secret=intent.client_secret,
            success="false",
        )
        return invoice.id

    def pay(self, *, customer_id: str, invoice_id: str) -> None:
        self.use_card(customer_id, GOOD_CARD)
        self.client.v1.invoices.pay(invoice_id)

    def complete_checkout(self, session_id: str) -> dict[str, Any]:
        answer = self.client.raw_request("post", f"/_test/checkout/sessions/{session_id}/complete")
        return self.client.deserialize(answer, api_mode="V1").to_dict()

    def retrieve(self, kind: str, object_id: str) -> dict[str, Any]:
        """`retrieve("invoices", id)`, `retrieve("checkout.sessions", id)`, ..."""
        service: Any = self.client.v1
        for name in kind.split("."):
            service = getattr(service, name)
        return service.retrieve(object_id).to_dict()

    def event_of(self, event_type: str, object_id: str) -> dict[str, Any]:
        """The event localstripe made of `event_type` about `object_id` (in this test)."""
        starting_after = None
        while True:
            params: Any = {
                "type": event_type,
                "created": {"gte": self.started},
                "limit": 100,
            }
            if starting_after:
                params["starting_after"] = starting_after
            page = self.client.v1.events.list(params=params)
            for event in page.data:
                data = event.to_dict()
                if data["data"]["object"]["id"] == object_id:
                    return data
            if not page.has_more:
                raise AssertionError(f"localstripe made no {event_type} for {object_id}")
            starting_after = page.data[-1].id


@pytest.fixture
def stripe_api(localstripe, settings) -> StripeApi:
    settings.STRIPE_API_BASE = localstripe.url
    return StripeApi(localstripe)


@pytest.fixture
def plans(stripe_api) -> dict[str, Plan]:
    """Every plan, with its Stripe product and price in localstripe."""
    plans_sync()
    return {plan.code: plan for plan in Plan.objects.all()}


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def deliver(platform_client) -> Callable[..., Any]:
    """`deliver(body, signature)`: POST a webhook as Stripe does; the response."""

    def post(body: bytes, signature: str | None, client: HostClient | None = None) -> Any:
        headers: dict[str, Any] = {}
        if signature is not None:
            headers["HTTP_STRIPE_SIGNATURE"] = signature
        return (client or platform_client).post(
            "/webhooks/stripe/", data=body, content_type="application/json", **headers
        )

    return post


@pytest.fixture
def subscribed(glow, stripe_api, plans) -> Callable[..., Subscription]:
    """`subscribed(spa=glow, plan="starter")`: the spa with a paying Stripe
    subscription in localstripe, and its mirror row knowing only the customer
    (as after Checkout started); the subscription's own events are the test's
    to deliver. `.remote_id` is the Stripe subscription."""

    def make(spa=None, plan: str = "starter", quantity: int = 1) -> Subscription:
        spa = spa or glow
        customer_id = stripe_api.customer(spa_id=spa.pk)
        remote = stripe_api.subscribe(
            customer_id=customer_id,
            price_id=plans[plan].stripe_price_id,
            spa_id=spa.pk,
            quantity=quantity,
        )
        subscription = Subscription.objects.create(
            spa=spa,
            plan=plans[plan],
            status=SubscriptionStatus.INCOMPLETE,
            stripe_customer_id=customer_id,
        )
        subscription.remote_id = remote.id  # type: ignore[attr-defined]
        return subscription

    return make
