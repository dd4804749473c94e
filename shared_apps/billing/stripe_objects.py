"""What Stripe's objects say, as plain values: every reading of a Stripe object
(an API answer or a webhook's payload) goes through here, so the rest of the
code never handles Stripe's shapes. The calls are in stripe_gateway.py.

stripe-python sends its pinned API version (`Stripe-Version`); objects are read
in that version's shape. localstripe ignores the header and answers in an older
shape. So readers accept both: a subscription's period end is on its item
(Stripe since 2025-03-31) or on the subscription (localstripe, older versions);
an invoice's subscription is under `parent.subscription_details` or top-level
`subscription`; an item's price is `price` or `plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class RemoteSubscription:
    """A Stripe subscription, as the platform needs it."""

    id: str
    customer_id: str
    status: str
    price_id: str | None
    item_id: str | None
    quantity: int
    current_period_end: datetime | None
    cancel_at_period_end: bool
    trial_end: datetime | None
    ended_at: datetime | None
    spa_id: int | None  # from the metadata the platform sets
    created: datetime | None = None


@dataclass(frozen=True)
class RemoteInvoice:
    """A Stripe invoice, as the platform's mirror keeps it."""

    id: str
    customer_id: str
    subscription_id: str | None
    number: str
    status: str
    currency: str
    amount_due: int
    amount_paid: int
    period_start: datetime | None
    period_end: datetime | None
    hosted_invoice_url: str
    created: datetime | None


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


def timestamp_to_datetime(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    return datetime.fromtimestamp(int(value), tz=UTC)


def as_dict(obj: Any) -> dict[str, Any]:
    if isinstance(obj, dict):
        return obj
    if obj is None:
        return {}
    return obj.to_dict()  # a StripeObject (stripe-python >= 13 objects are not dicts)


def id_of(value: Any) -> str | None:
    """An expandable field: an id, or the expanded object."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return as_dict(value).get("id")


def _metadata_spa_id(obj: dict[str, Any]) -> int | None:
    raw = (obj.get("metadata") or {}).get("spa_id")
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def subscription_from_object(obj: Any) -> RemoteSubscription:
    """Read a Stripe subscription (an API answer or an event's `data.object`)."""
    data = as_dict(obj)
    items = (data.get("items") or {}).get("data") or []
    item = as_dict(items[0]) if items else {}
    price = item.get("price") or item.get("plan")
    period_end = item.get("current_period_end") or data.get("current_period_end")
    return RemoteSubscription(
        id=data["id"],
        customer_id=id_of(data.get("customer")) or "",
        status=data.get("status") or "",
        price_id=id_of(price),
        item_id=item.get("id"),
        quantity=int(item.get("quantity") or data.get("quantity") or 1),
        current_period_end=timestamp_to_datetime(period_end),
        cancel_at_period_end=bool(data.get("cancel_at_period_end")),
        trial_end=timestamp_to_datetime(data.get("trial_end")),
        ended_at=timestamp_to_datetime(data.get("ended_at") or data.get("canceled_at")),
        spa_id=_metadata_spa_id(data),
        created=timestamp_to_datetime(data.get("created")),
    )


def invoice_subscription_id(invoice: dict[str, Any]) -> str | None:
    """The subscription an invoice bills, in either API shape (None: a one-off invoice)."""
    parent = invoice.get("parent") or {}
    details = parent.get("subscription_details") or {}
    return id_of(details.get("subscription")) or id_of(invoice.get("subscription"))


def invoice_from_object(obj: Any) -> RemoteInvoice:
    """Read a Stripe invoice (an API answer or an event's `data.object`).
    localstripe's invoices have no number and no hosted page: both read as ""."""
    data = as_dict(obj)
    return RemoteInvoice(
        id=data["id"],
        customer_id=id_of(data.get("customer")) or "",
        subscription_id=invoice_subscription_id(data),
        number=data.get("number") or "",
        status=data.get("status") or "",
        currency=(data.get("currency") or "").lower(),
        amount_due=int(data.get("amount_due") or 0),
        amount_paid=int(data.get("amount_paid") or 0),
        period_start=timestamp_to_datetime(data.get("period_start")),
        period_end=timestamp_to_datetime(data.get("period_end")),
        hosted_invoice_url=data.get("hosted_invoice_url") or "",
        created=timestamp_to_datetime(data.get("created")),
    )


def customer_of(obj: dict[str, Any]) -> str | None:
    return id_of(obj.get("customer"))


def spa_id_of(obj: dict[str, Any]) -> int | None:
    """The spa an object says it belongs to: Checkout's client_reference_id, or the
    `spa_id` metadata the platform puts on customers and subscriptions."""
    reference = obj.get("client_reference_id")
    if isinstance(reference, str) and reference.isdigit():
        return int(reference)
    return _metadata_spa_id(obj)
