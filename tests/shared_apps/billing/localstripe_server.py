"""localstripe for the test suite: on loopback, in memory, and dying with its parent.

    python -m tests.shared_apps.billing.localstripe_server --from-scratch --port 0 \\
        --parent-pid <pid>

prints `PORT <n>` once it accepts connections. What it changes in localstripe
(1.15), and why:

- binds 127.0.0.1 (localstripe binds every interface, IPv4 and IPv6);
- `--port 0` picks a free port (parallel runs on one machine never collide);
- keeps its state in memory only: localstripe pickles its whole store to
  /tmp/localstripe.pickle after every write, a file every run on the machine
  would share (`--from-scratch` already keeps it from reading that file);
- exits when its parent does (Linux's parent-death signal, and a watchdog on
  the parent's pid elsewhere), so a killed test run leaves no server behind;
- adds what the platform calls and localstripe lacks, kept minimal:
  `POST /v1/checkout/sessions` and `GET /v1/checkout/sessions/<id>` (subscription
  mode), `POST /v1/billing_portal/sessions`, and, for tests only,
  `POST /_test/checkout/sessions/<id>/complete [card=<test card number>]`,
  which does what a customer paying at Checkout makes Stripe do: attach the
  card (4242... if none given and the customer has none) and create the
  subscription (a real localstripe one, paid with it).
  localstripe has no trials, so the subscription starts active. Stripe's
  `checkout.session.completed` event is built and signed by the tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import sys

from aiohttp import web
from localstripe import server
from localstripe.errors import UserError
from localstripe.resources import (
    Customer,
    PaymentMethod,
    Plan,
    StripeObject,
    Subscription,
    store,
    try_convert_to_int,
)

PR_SET_PDEATHSIG = 1


def _memory_only() -> None:
    store.__class__.dump_to_disk = lambda self: None  # type: ignore[method-assign]
    store.__class__.try_load_from_disk = lambda self: None  # type: ignore[method-assign]


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode=None,
        customer=None,
        client_reference_id=None,
        line_items=None,
        subscription_data=None,
        metadata=None,
        success_url=None,
        cancel_url=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        try:
            assert mode == "subscription"
            assert isinstance(customer, str) and customer.startswith("cus_")
            assert isinstance(line_items, list) and len(line_items) == 1
            for item in line_items:
                item["quantity"] = try_convert_to_int(item.get("quantity", 1))
                assert isinstance(item.get("price"), str)
                assert isinstance(item["quantity"], int) and item["quantity"] > 0
            for url in (success_url, cancel_url):
                assert isinstance(url, str) and url.startswith(("http://", "https://"))
            assert subscription_data is None or isinstance(subscription_data, dict)
        except AssertionError:
            raise UserError(400, "Bad request") from None
        Customer._api_retrieve(customer)  # 404 if unknown
        for item in line_items:
            Plan._api_retrieve(item["price"])  # a plan is a price (404 if unknown)
        super().__init__()
        self.mode = mode
        self.customer = customer
        self.client_reference_id = client_reference_id
        self.metadata = metadata or {}
        self.success_url = success_url
        self.cancel_url = cancel_url
        self.url = f"https://checkout.stripe.com/c/pay/{self.id}"
        self.status = "open"
        self.payment_status = "unpaid"
        self.subscription = None
        # Not on Stripe's object without expanding; kept for the tests to read.
        self.line_items = {"object": "list", "data": line_items}
        self.subscription_data = subscription_data or {}

    @classmethod
    def _api_complete(cls, id, card=None, **kwargs):
        """Pay at Checkout: with `card` (a test card number), or the customer's
        default payment method, or 4242 4242 4242 4242."""
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        session = cls._api_retrieve(id)
        if session.status != "open":
            raise UserError(400, "Bad request")
        customer = Customer._api_retrieve(session.customer)
        if card is not None or customer._get_default_payment_method_or_source() is None:
            method = PaymentMethod(
                type="card",
                card={
                    "number": card or "4242424242424242",
                    "exp_month": 12,
                    "exp_year": 2034,
                    "cvc": "123",
                },
            )
            PaymentMethod._api_attach(method.id, customer=customer.id)
            customer.invoice_settings["default_payment_method"] = method.id
        item = session.line_items["data"][0]
        subscription = Subscription(
            customer=session.customer,
            items=[{"plan": item["price"], "quantity": item["quantity"]}],
            metadata=dict(session.subscription_data.get("metadata") or {}),
        )
        session.subscription = subscription.id
        session.status = "complete"
        session.payment_status = "paid"
        return session


class BillingPortalSession(StripeObject):
    object = "billing_portal.session"
    _id_prefix = "bps_"

    def __init__(self, customer=None, return_url=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        try:
            assert isinstance(customer, str) and customer.startswith("cus_")
            assert isinstance(return_url, str) and return_url.startswith(("http://", "https://"))
        except AssertionError:
            raise UserError(400, "Bad request") from None
        Customer._api_retrieve(customer)
        super().__init__()
        self.customer = customer
        self.return_url = return_url
        self.url = f"https://billing.stripe.com/p/session/{self.id}"


def _add_routes(app: web.Application) -> None:
    router = app.router
    router.add_post(
        "/v1/checkout/sessions", server.api_create(CheckoutSession, "/v1/checkout/sessions")
    )
    router.add_get(
        "/v1/checkout/sessions/{id}",
        server.api_retrieve(CheckoutSession, "/v1/checkout/sessions"),
    )
    router.add_post(
        "/v1/billing_portal/sessions",
        server.api_create(BillingPortalSession, "/v1/billing_portal/sessions"),
    )
    router.add_post(
        "/_test/checkout/sessions/{id}/complete",
        server.api_extra(CheckoutSession._api_complete, "/_test/checkout/sessions/{id}/complete"),
    )


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the signal was armed
        sys.exit(0)


async def _watch_parent(app: web.Application) -> None:
    parent_pid = app["parent_pid"]

    async def watch() -> None:
        while os.getppid() == parent_pid:
            await asyncio.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    app["watchdog"] = asyncio.ensure_future(watch())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--from-scratch", action="store_true", help="always (memory only)")
    parser.add_argument("--parent-pid", type=int, default=None)
    args = parser.parse_args()

    _memory_only()
    app = server.app
    _add_routes(app)
    if args.parent_pid:
        _die_with_parent(args.parent_pid)
        app["parent_pid"] = args.parent_pid
        app.on_startup.append(_watch_parent)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    # Listening before announcing the port: connections wait in the backlog
    # until the server takes them, so the parent may connect at once.
    sock.listen(128)
    print(f"PORT {sock.getsockname()[1]}", flush=True)
    web.run_app(app, sock=sock, print=None, access_log=None, handle_signals=True)


if __name__ == "__main__":
    main()
