"""Messaging in the spa API: templates and their preview, the reminder schedule,
consent, the message log and the waitlist; and none of it reachable from
another spa."""

from __future__ import annotations

import datetime as dt

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.messaging.models import (
    Channel,
    Consent,
    Message,
    MessageKind,
    MessageTemplate,
    OfferStatus,
    ReminderRule,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
)
from tenant_apps.messaging.sending import message_queue
from tenants.db import connection
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.scheduling.factories import a_desk

SAVE = """mutation($kind: MessageKind!, $channel: MessageChannel!, $subject: String, $body: String!) {
  saveMessageTemplate(kind: $kind, channel: $channel, subject: $subject, body: $body) {
    template { kind channel body isDefault } errors { field code message } } }"""
PREVIEW = """mutation($body: String!) {
  previewMessageTemplate(kind: REMINDER, channel: SMS, body: $body) {
    preview { body longestLength } errors { code } } }"""


def test_a_manager_saves_previews_and_resets_a_template(glow, signed_in):
    manager = signed_in(glow, "manager")

    preview = manager.graphql(PREVIEW, {"body": "{{ spa_name }} {{ date }} {{ link }}"})
    unknown = manager.graphql(
        SAVE, {"kind": "REMINDER", "channel": "SMS", "body": "{{ diagnosis }}"}
    )
    too_long = manager.graphql(
        SAVE, {"kind": "REMINDER", "channel": "SMS", "body": "{{ spa_name }} " + "x" * 140}
    )
    saved = manager.graphql(
        SAVE,
        {"kind": "REMINDER", "channel": "SMS", "body": "{{ spa_name }}: {{ date }} {{ link }}"},
    )
    listed = manager.graphql("{ messageTemplates { kind channel isDefault } }")

    assert preview.data["previewMessageTemplate"]["preview"] == {
        "body": "Glow Aesthetics Tue Mar 3 https://glow.example.com/booking/manage",
        "longestLength": 24 + 1 + 10 + 1 + 32,
    }
    assert [e["code"] for e in unknown.data["saveMessageTemplate"]["errors"]] == [
        "TEMPLATE_VARIABLE_UNKNOWN"
    ]
    assert [e["code"] for e in too_long.data["saveMessageTemplate"]["errors"]] == [
        "TEMPLATE_TOO_LONG"
    ]
    assert saved.data["saveMessageTemplate"]["template"]["isDefault"] is False
    own = [t for t in listed.data["messageTemplates"] if not t["isDefault"]]
    assert own == [{"kind": "REMINDER", "channel": "SMS", "isDefault": False}]
    assert len(listed.data["messageTemplates"]) == 8 * 2

    reset = manager.graphql(
        "mutation { resetMessageTemplate(kind: REMINDER, channel: SMS) { errors { code } } }"
    )
    assert reset.data["resetMessageTemplate"]["errors"] == []
    connection.set_tenant(glow)
    assert not MessageTemplate.objects.exists()


def test_the_reminder_schedule_is_replaced_whole_and_checked(glow, signed_in):
    manager = signed_in(glow, "manager")
    query = """mutation($rules: [ReminderRuleInput!]!) { setReminderSchedule(rules: $rules) {
      settings { reminderRules { channel minutesBefore onlyIfUnconfirmed } } errors { code } } }"""

    bad = manager.graphql(query, {"rules": [{"channel": "SMS", "minutesBefore": 5}]})
    twice = manager.graphql(
        query,
        {
            "rules": [
                {"channel": "SMS", "minutesBefore": 60},
                {"channel": "SMS", "minutesBefore": 60},
            ]
        },
    )
    good = manager.graphql(
        query,
        {"rules": [{"channel": "EMAIL", "minutesBefore": 72 * 60, "onlyIfUnconfirmed": True}]},
    )

    assert [e["code"] for e in bad.data["setReminderSchedule"]["errors"]] == ["OUT_OF_RANGE"]
    assert [e["code"] for e in twice.data["setReminderSchedule"]["errors"]] == ["DUPLICATE"]
    assert good.data["setReminderSchedule"]["settings"]["reminderRules"] == [
        {"channel": "EMAIL", "minutesBefore": 4320, "onlyIfUnconfirmed": True}
    ]
    connection.set_tenant(glow)
    assert ReminderRule.objects.count() == 1


def test_the_desk_records_consent_and_reads_it_back(glow, signed_in):
    desk = signed_in(glow, "front_desk")
    connection.set_tenant(glow)
    client = ClientFactory.create()
    client_id = to_global_id("Client", client.pk)
    connection.set_schema_to_public()

    recorded = desk.graphql(
        """mutation($id: ID!) { recordMessagingConsent(clientId: $id, channel: SMS,
          purpose: MARKETING, granted: true, source: PAPER_FORM,
          textShown: "I agree to receive offers by text.") {
          consents { states { channel purpose allowed reason } } errors { code } } }""",
        {"id": client_id},
    )

    states = recorded.data["recordMessagingConsent"]["consents"]["states"]
    assert {"channel": "SMS", "purpose": "MARKETING", "allowed": True, "reason": ""} in states
    assert {
        "channel": "EMAIL",
        "purpose": "MARKETING",
        "allowed": False,
        "reason": "no_consent",
    } in states
    connection.set_tenant(glow)
    consent = Consent.objects.get()
    assert (consent.source, consent.text_shown) == (
        "paper_form",
        "I agree to receive offers by text.",
    )


@pytest.mark.spa("glow")
def test_the_message_log_lists_newest_first_with_why_a_message_was_not_sent(glow, signed_in):
    client = ClientFactory.create()
    for n in range(3):
        message_queue(
            key=f"m{n}", client=client, channel=Channel.SMS, kind=MessageKind.FORM_REQUEST
        )
    Message.objects.filter(dedupe_key="m0").update(status="suppressed", reason="opted_out")
    desk = signed_in(glow, "front_desk")

    log = desk.graphql(
        "{ messages(first: 10) { totalCount edges { node { kind status reason channel } } } }"
    )
    suppressed = desk.graphql("{ messages(first: 10, status: SUPPRESSED) { totalCount } }")

    assert log.data["messages"]["totalCount"] == 3
    assert log.data["messages"]["edges"][-1]["node"] == {
        "kind": "FORM_REQUEST",
        "status": "SUPPRESSED",
        "reason": "opted_out",
        "channel": "SMS",
    }
    assert suppressed.data["messages"]["totalCount"] == 1


def test_the_desk_keeps_the_waitlist(glow, signed_in):
    desk = signed_in(glow, "front_desk")
    connection.set_tenant(glow)
    calendar = a_desk(clients=1)
    today = dt.date.today()
    ids = {
        "c": to_global_id("Client", calendar.clients[0].pk),
        "s": to_global_id("Service", calendar.service.pk),
        "l": to_global_id("Location", calendar.location.pk),
        "e": today.isoformat(),
        "t": (today + dt.timedelta(days=14)).isoformat(),
    }
    connection.set_schema_to_public()

    added = desk.graphql(
        """mutation($c: ID!, $s: ID!, $l: ID!, $e: Date!, $t: Date!) {
          addToWaitlist(clientId: $c, serviceId: $s, locationId: $l, earliest: $e, latest: $t,
            windows: [{weekdays: [0, 2], start: "09:00", end: "12:00"}]) {
            entry { id status windows { weekdays start end } provider { id } } errors { code } } }""",
        ids,
    )
    entry = added.data["addToWaitlist"]["entry"]
    listed = desk.graphql("{ waitlistEntries(first: 5, status: WAITING) { totalCount } }")
    cancelled = desk.graphql(
        "mutation($id: ID!) { cancelWaitlistEntry(id: $id) { entry { status } errors { code } } }",
        {"id": entry["id"]},
    )

    assert entry["status"] == "WAITING" and entry["provider"] is None
    assert entry["windows"] == [{"weekdays": [0, 2], "start": "09:00", "end": "12:00"}]
    assert listed.data["waitlistEntries"]["totalCount"] == 1
    assert cancelled.data["cancelWaitlistEntry"]["entry"]["status"] == "CANCELLED"


def test_one_spa_cannot_read_or_change_another_spas_messaging(glow, radiance, signed_in):
    connection.set_tenant(glow)
    calendar = a_desk(clients=1)
    client = calendar.clients[0]
    MessageTemplate.objects.create(kind=MessageKind.REMINDER, channel=Channel.SMS, body="glow only")
    message = message_queue(
        key="g", client=client, channel=Channel.SMS, kind=MessageKind.FORM_REQUEST
    )
    entry = WaitlistEntry.objects.create(
        client=client,
        service=calendar.service,
        location=calendar.location,
        earliest=dt.date.today(),
        latest=dt.date.today() + dt.timedelta(days=3),
        source="desk",
    )
    now = dt.datetime.now(dt.UTC)
    offer = WaitlistOffer.objects.create(
        entry=entry,
        provider=calendar.providers[0],
        starts_at=now + dt.timedelta(days=1),
        offered_at=now,
        expires_at=now + dt.timedelta(hours=1),
        token_hash="x" * 64,
    )
    ids = {
        "client": to_global_id("Client", client.pk),
        "message": to_global_id("Message", message.pk),
        "entry": to_global_id("WaitlistEntry", entry.pk),
        "offer": to_global_id("WaitlistOffer", offer.pk),
    }
    connection.set_schema_to_public()
    intruder = signed_in(radiance, "owner")

    nodes = [
        intruder.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": i})
        for i in ids.values()
    ]
    consents = intruder.graphql(
        "query($id: ID!) { clientMessagingConsents(clientId: $id) { history { granted } } }",
        {"id": ids["client"]},
    )
    log = intruder.graphql(
        "query($id: ID!) { messages(first: 5, clientId: $id) { totalCount } }",
        {"id": ids["client"]},
    )
    templates = intruder.graphql("{ messageTemplates { body isDefault } }")
    record = intruder.graphql(
        """mutation($id: ID!) { recordMessagingConsent(clientId: $id, channel: SMS, purpose: APPOINTMENT,
          granted: false, source: PHONE, textShown: "no") { errors { code } } }""",
        {"id": ids["client"]},
    )
    cancel = intruder.graphql(
        "mutation($id: ID!) { cancelWaitlistEntry(id: $id) { errors { code } } }",
        {"id": ids["entry"]},
    )
    claim = intruder.graphql(
        "mutation($id: ID!) { claimWaitlistOffer(id: $id) { errors { code } } }",
        {"id": ids["offer"]},
    )

    assert [n.data["node"] for n in nodes] == [None] * 4
    assert consents.data["clientMessagingConsents"] is None
    assert log.data["messages"]["totalCount"] == 0
    assert all(t["isDefault"] for t in templates.data["messageTemplates"])
    assert [e["code"] for e in record.data["recordMessagingConsent"]["errors"]] == ["NOT_FOUND"]
    assert [e["code"] for e in cancel.data["cancelWaitlistEntry"]["errors"]] == ["NOT_FOUND"]
    assert [e["code"] for e in claim.data["claimWaitlistOffer"]["errors"]] == ["NOT_FOUND"]
    connection.set_tenant(glow)
    assert not Consent.objects.exists()
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert (entry.status, offer.status) == (WaitlistStatus.WAITING, OfferStatus.OPEN)
    assert MessageTemplate.objects.get().body == "glow only"
