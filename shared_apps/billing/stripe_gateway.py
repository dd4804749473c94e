"""The platform's one door to Stripe: every Stripe call goes through here, and
answers come back as the plain values of stripe_objects.py (which reads every
Stripe object, webhooks' included), so the rest of the code never handles
Stripe's shapes.

Configuration (config/settings/base.py): `STRIPE_SECRET_KEY`, `STRIPE_API_BASE`
(Stripe itself, or a localstripe server in tests and local development),
`STRIPE_WEBHOOK_SECRETS` (one or more endpoint secrets: several while one is
rotated), `STRIPE_WEBHOOK_TOLERANCE`, `STRIPE_TIMEOUT`, `STRIPE_MAX_NETWORK_RETRIES`.

Where Stripe and localstripe differ, the difference is handled here (and, for
the shapes of objects, in stripe_objects.py) and nowhere else:

- **API version.** stripe-python sends its pinned version (`Stripe-Version`);
  localstripe answers in an older shape, and the readers (stripe_objects.py)
  accept both. No `stripe.api_version` override is needed for localstripe.
- **Prices.** localstripe has no `/v1/prices`, only the older `/v1/plans`. Stripe
  still serves the Plans API, and a plan created there *is* a price (its id is
  accepted wherever a price id is: Checkout line items, subscription items). So
  the platform creates its monthly prices through the Plans API, with an id it
  chooses (`plan_price_ensure`), and the same code runs against both. Items are
  set with `plan=<price id>`, which both accept.
- **One item per subscription.** localstripe refuses subscriptions of several
  items; the platform needs only one (a tiered price: see `Plan`).
- **No Checkout, no Billing Portal, no trials** in localstripe. The test server
  (tests/shared_apps/billing/localstripe_server.py) adds minimal Checkout and
  portal session endpoints; trials only exist on Stripe.
- localstripe refuses unknown parameters on updates (`proration_behavior`):
  updates send only what both accept and rely on Stripe's default
  (`create_prorations`).

Nothing here logs a key or a full object: errors are reduced to their type,
Stripe's code and request id.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime
from functools import lru_cache
from typing import Any

import stripe
from django.conf import settings

from shared_apps.billing.stripe_objects import (
    CheckoutSession,
    RemoteInvoice,
    RemoteSubscription,
    as_dict,
    invoice_from_object,
    subscription_from_object,
)

logger = logging.getLogger(__name__)


class BillingProviderError(Exception):
    """Stripe could not be reached, or refused the request."""


class BillingNotConfigured(BillingProviderError):
    """No Stripe secret key (or no webhook secret) in this environment."""


class WebhookSignatureInvalid(Exception):
    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


# --- The client ------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _client_for(api_key: str, api_base: str, timeout: float, retries: int) -> stripe.StripeClient:
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base},
        max_network_retries=retries,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise BillingNotConfigured("STRIPE_SECRET_KEY is not set")
    return _client_for(
        settings.STRIPE_SECRET_KEY,
        settings.STRIPE_API_BASE,
        float(settings.STRIPE_TIMEOUT),
        int(settings.STRIPE_MAX_NETWORK_RETRIES),
    )


def _failure(exc: stripe.StripeError) -> BillingProviderError:
    # Type, Stripe's code and request id: enough to find the request in Stripe's
    # dashboard, nothing of its parameters.
    description = f"{type(exc).__name__} (code={exc.code}, request={exc.request_id})"
    logger.warning("stripe call failed: %s", description)
    return BillingProviderError(description)


def _options(idempotency_key: str | None) -> dict[str, Any]:
    return {"idempotency_key": idempotency_key} if idempotency_key else {}


# --- Customers and subscriptions ----------------------------------------------------------------


def customer_create(*, spa_id: int, email: str, name: str, idempotency_key: str) -> str:
    """A Stripe customer for a spa (its id). The idempotency key makes a retry within
    Stripe's 24 hours return the same customer rather than a second one."""
    try:
        customer = _client().v1.customers.create(
            params={"email": email, "name": name, "metadata": {"spa_id": str(spa_id)}},
            options=_options(idempotency_key),  # type: ignore[arg-type]
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return customer.id


def subscription_retrieve(*, subscription_id: str) -> RemoteSubscription:
    try:
        return subscription_from_object(_client().v1.subscriptions.retrieve(subscription_id))
    except stripe.StripeError as exc:
        raise _failure(exc) from exc


def subscription_list_for_customer(*, customer_id: str) -> list[RemoteSubscription]:
    """Every subscription of a customer, canceled ones included, newest first."""
    try:
        page = _client().v1.subscriptions.list(
            params={"customer": customer_id, "status": "all", "limit": 100}
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    subscriptions = [subscription_from_object(obj) for obj in page.data]
    created = {obj.id: int(as_dict(obj).get("created") or 0) for obj in page.data}
    return sorted(subscriptions, key=lambda s: created[s.id], reverse=True)


def subscription_update_item(
    *, subscription_id: str, item_id: str, price_id: str, quantity: int
) -> RemoteSubscription:
    """Set the subscription's one item: its price (plan change) and quantity (seats).
    Setting both to what they are is harmless, so a retry is too."""
    try:
        updated = _client().v1.subscriptions.update(
            subscription_id,
            params={"items": [{"id": item_id, "plan": price_id, "quantity": quantity}]},
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return subscription_from_object(updated)


def subscription_set_cancel_at_period_end(
    *, subscription_id: str, cancel: bool
) -> RemoteSubscription:
    try:
        updated = _client().v1.subscriptions.update(
            subscription_id, params={"cancel_at_period_end": cancel}
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return subscription_from_object(updated)


def invoice_retrieve(*, invoice_id: str) -> RemoteInvoice | None:
    """The invoice as Stripe has it now; None if Stripe has none by that id (a
    deleted draft: drafts are the only invoices Stripe deletes)."""
    try:
        return invoice_from_object(_client().v1.invoices.retrieve(invoice_id))
    except stripe.InvalidRequestError as exc:
        if exc.http_status == 404:
            return None
        raise _failure(exc) from exc
    except stripe.StripeError as exc:
        raise _failure(exc) from exc


def invoice_list_for_customer(
    *, customer_id: str, created_since: datetime | None, page_size: int = 100
) -> list[RemoteInvoice]:
    """The customer's invoices as Stripe has them now, newest first, down to the
    ones created at `created_since` (all of them when None).

    Stripe lists invoices newest first, so paging (`auto_paging_iter`) stops at
    the first older one: the pages read reach back to `created_since` and no
    further. The bound is applied here rather than sent as `created[gte]`, which
    localstripe does not accept (it also orders by `date`, not `created`: the
    same for the invoices tests make). Every page is read before returning, so a
    failure on any of them raises BillingProviderError, never half a list.
    """
    if not customer_id:
        # Without a customer Stripe would list every invoice of the account.
        raise ValueError("a customer id is required to list invoices")
    invoices: list[RemoteInvoice] = []
    try:
        first = _client().v1.invoices.list(params={"customer": customer_id, "limit": page_size})
        for obj in first.auto_paging_iter():
            invoice = invoice_from_object(obj)
            if created_since and invoice.created and invoice.created < created_since:
                break
            invoices.append(invoice)
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return invoices


# --- Checkout and the Billing Portal -----------------------------------------------------------


def checkout_session_create(
    *,
    spa_id: int,
    customer_id: str,
    price_id: str,
    quantity: int,
    success_url: str,
    cancel_url: str,
    trial_end: datetime | None,
) -> CheckoutSession:
    """A Checkout session that starts the spa's subscription; the owner pays there.

    The spa's id travels as `client_reference_id` and in the subscription's
    metadata, so webhooks can find the spa whatever order they come in."""
    subscription_data: dict[str, Any] = {"metadata": {"spa_id": str(spa_id)}}
    if trial_end is not None:
        # What is left of the platform's trial carries over into Stripe's.
        subscription_data["trial_end"] = int(trial_end.timestamp())
    params: dict[str, Any] = {
        "mode": "subscription",
        "customer": customer_id,
        "client_reference_id": str(spa_id),
        "line_items": [{"price": price_id, "quantity": quantity}],
        "subscription_data": subscription_data,
        "metadata": {"spa_id": str(spa_id)},
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    try:
        session = _client().v1.checkout.sessions.create(params=params)  # type: ignore[arg-type]
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    if not session.url:
        raise BillingProviderError("Stripe returned a Checkout session without a URL")
    return CheckoutSession(id=session.id, url=session.url)


def billing_portal_url(*, customer_id: str, return_url: str) -> str:
    """A short-lived Billing Portal link (payment methods, invoices, cancellation)."""
    try:
        session = _client().v1.billing_portal.sessions.create(
            params={"customer": customer_id, "return_url": return_url}
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return session.url


# --- Products and prices (plan sync) -------------------------------------------------------------


def product_upsert(*, product_id: str, name: str, active: bool, metadata: dict[str, str]) -> str:
    """Create the product with this id, or update its name and state."""
    client = _client()
    try:
        try:
            client.v1.products.retrieve(product_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status != 404:
                raise
            client.v1.products.create(
                params={"id": product_id, "name": name, "active": active, "metadata": metadata}
            )
        else:
            client.v1.products.update(
                product_id, params={"name": name, "active": active, "metadata": metadata}
            )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return product_id


def plan_price_ensure(
    *,
    price_id: str,
    product_id: str,
    currency: str,
    flat_cents: int,
    included_units: int,
    unit_cents: int,
    metadata: dict[str, str],
) -> bool:
    """Make sure the monthly price `price_id` exists; True if it was created.

    A graduated tiered price: the first `included_units` cost `flat_cents`
    together, each unit after that `unit_cents`. Prices never change amounts, so
    the id names the amounts (plans.py) and an existing one is left as it is.
    """
    client = _client()
    try:
        try:
            client.v1.plans.retrieve(price_id)
            return False
        except stripe.InvalidRequestError as exc:
            if exc.http_status != 404:
                raise
        client.v1.plans.create(
            params={
                "id": price_id,
                "product": product_id,
                "currency": currency,
                "interval": "month",
                "billing_scheme": "tiered",
                "tiers_mode": "graduated",
                "tiers": [
                    {"up_to": included_units, "flat_amount": flat_cents, "unit_amount": 0},
                    {"up_to": "inf", "unit_amount": unit_cents},
                ],
                "metadata": metadata,
            }
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return True


def price_deactivate(*, price_id: str) -> None:
    """Stop offering a price; subscriptions on it go on as they are."""
    try:
        _client().v1.plans.update(price_id, params={"active": False})
    except stripe.InvalidRequestError as exc:
        if exc.http_status != 404:
            raise _failure(exc) from exc
    except stripe.StripeError as exc:
        raise _failure(exc) from exc


# --- Webhooks --------------------------------------------------------------------------------


def _signed_at(signature: str | None) -> int:
    """The `t=` timestamp of a Stripe-Signature header that has verified."""
    for item in (signature or "").split(","):
        key, _, value = item.partition("=")
        if key.strip() == "t" and value.strip().isdigit():
            return int(value)
    return 0


def event_verify(*, payload: bytes, signature: str | None) -> dict[str, Any]:
    """Check a webhook's `Stripe-Signature` against the raw body with each configured
    endpoint secret, within `STRIPE_WEBHOOK_TOLERANCE` seconds, and return the event.

    Raises WebhookSignatureInvalid (code SIGNATURE_INVALID, TIMESTAMP_OUTSIDE_TOLERANCE
    or PAYLOAD_INVALID), or BillingNotConfigured when no secret is set.
    """
    secrets = list(settings.STRIPE_WEBHOOK_SECRETS)
    if not secrets:
        raise BillingNotConfigured("STRIPE_WEBHOOK_SECRET is not set")
    try:
        body = payload.decode("utf-8")
    except UnicodeDecodeError:
        raise WebhookSignatureInvalid("The body is not UTF-8.", code="PAYLOAD_INVALID") from None
    stale = False
    for secret in secrets:
        try:
            stripe.WebhookSignature.verify_header(
                body, signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE
            )
            break
        except stripe.SignatureVerificationError as exc:
            # The timestamp is checked only once a signature matched.
            stale = stale or "tolerance" in str(exc)
    else:
        if stale:
            raise WebhookSignatureInvalid(
                "The signature's timestamp is too old.", code="TIMESTAMP_OUTSIDE_TOLERANCE"
            )
        raise WebhookSignatureInvalid("The signature does not match.", code="SIGNATURE_INVALID")
    # stripe-python refuses only timestamps older than the tolerance; one further
    # in the future (a replayable signature made ahead of time, or a clock far
    # off) is refused the same way.
    if _signed_at(signature) > time.time() + settings.STRIPE_WEBHOOK_TOLERANCE:
        raise WebhookSignatureInvalid(
            "The signature's timestamp is in the future.", code="TIMESTAMP_OUTSIDE_TOLERANCE"
        )
    try:
        event = json.loads(body)
        valid = (
            isinstance(event, dict)
            and isinstance(event.get("id"), str)
            and 0 < len(event["id"]) <= 255
            and isinstance(event.get("type"), str)
            and isinstance(event.get("created"), int)
            and isinstance((event.get("data") or {}).get("object"), dict)
        )
    except ValueError:
        valid = False
    if not valid:
        raise WebhookSignatureInvalid("The body is not a Stripe event.", code="PAYLOAD_INVALID")
    return event
