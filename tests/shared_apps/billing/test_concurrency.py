"""The same event delivered twice at once, on two connections: one effect."""

import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections, transaction

from shared_apps.billing.models import Plan, StripeEvent, Subscription, SubscriptionStatus
from shared_apps.lifecycle.services import spa_provision
from tenants.models import SpaStatus, SpaStatusChange
from tests.conftest import HostClient
from tests.shared_apps.billing.conftest import sign


def _waiting_for_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        (count,) = cursor.fetchone()
    return int(count)


@pytest.mark.usefixtures("committing")
def test_concurrent_duplicate_deliveries_have_one_effect(stripe_api, settings):
    # given a paying spa of its own (this test commits)
    spa = spa_provision(
        slug="twice", name="Twice Spa", timezone_name="UTC", owner_email="owner@twice.example"
    )
    price = stripe_api.client.v1.plans.create(
        params={"product": {"name": "Twice"}, "currency": "usd", "interval": "month", "amount": 100}
    )
    customer_id = stripe_api.customer(spa_id=spa.pk)
    remote = stripe_api.subscribe(customer_id=customer_id, price_id=price.id, spa_id=spa.pk)
    Subscription.objects.create(
        spa=spa,
        plan=Plan.objects.get(code="starter"),
        status=SubscriptionStatus.INCOMPLETE,
        stripe_customer_id=customer_id,
    )
    created = stripe_api.event_of("customer.subscription.created", remote.id)
    failed: dict = {"id": None}
    try:
        assert _post(HostClient(settings.ROOT_DOMAIN), *sign(created)).status_code == 200
        # then a renewal fails
        invoice_id = stripe_api.fail_renewal(customer_id=customer_id, subscription_id=remote.id)
        failed = stripe_api.event_of("invoice.payment_failed", invoice_id)
        body, signature = sign(failed)
        mail.outbox = []

        # when two deliveries of invoice.payment_failed run at once, while a third
        # connection holds the spa's subscription row: both are inside the
        # processing when the row is released
        answers: list = [None, None]
        failures: list[BaseException] = []

        def deliver(n: int) -> None:
            try:
                answers[n] = _post(HostClient(settings.ROOT_DOMAIN), body, signature)
            except BaseException as exc:  # reported in the test's thread
                failures.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=deliver, args=(n,)) for n in range(2)]
        with transaction.atomic():
            Subscription.objects.select_for_update().get(spa=spa)
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 20
            # one waits for the row, the other for the first's event row
            while _waiting_for_locks() < 2:
                assert time.monotonic() < deadline, "the deliveries never met"
                time.sleep(0.02)
        for thread in threads:
            thread.join(timeout=30)

        # then both are acknowledged, and the event had one effect
        assert failures == []
        assert sorted(a.status_code for a in answers) == [200, 200]
        assert sorted(a.json()["duplicate"] for a in answers) == [False, True]
        stored = StripeEvent.objects.get(event_id=failed["id"])
        assert (stored.status, stored.attempts) == ("processed", 1)
        changes = SpaStatusChange.objects.filter(spa=spa, cause=f"stripe:{failed['id']}")
        assert [(c.from_status, c.to_status) for c in changes] == [("active", "past_due")]
        assert [m.subject for m in mail.outbox] == ["Twice Spa: your payment did not go through"]
        spa.refresh_from_db()
        assert spa.status == SpaStatus.PAST_DUE
    finally:
        StripeEvent.objects.filter(event_id__in=[created["id"], failed["id"]]).delete()


def _post(client: HostClient, body: bytes, signature: str):
    return client.post(
        "/webhooks/stripe/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )
