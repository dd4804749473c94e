"""Message wording: the defaults, a spa's own templates, and rendering.

Templates take `{{ variable }}` placeholders from a fixed list. None of them
carries clinical detail (no service, no notes, no provider's credentials): a
message names the spa, the day and time and where, and links to the patient's
page for the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tenant_apps.messaging.models import Channel, MessageKind, MessageTemplate

VARIABLES: dict[str, str] = {
    "first_name": "The patient's first (or preferred) name.",
    "spa_name": "The spa's name.",
    "spa_phone": "The spa's contact phone.",
    "date": "The appointment's (or offered slot's) day, e.g. Tue Mar 3.",
    "time": "Its start time, e.g. 2:30 PM.",
    "location": "The location's name.",
    "link": "The patient's page (details, confirm, change, claim an offer).",
    "hold_minutes": "How long a waitlist offer is held for the patient.",
    "forms_link": "The patient's forms link (to fill them in, or a copy of those signed).",
}
# The longest value each variable may take, for checking an SMS reminder's
# length on save (names are cut to these lengths when rendered).
WORST_CASE: dict[str, str] = {
    "first_name": "X" * 12,
    "spa_name": "X" * 24,
    "spa_phone": "+12125550142",
    "date": "Wed Sep 30",
    "time": "12:30 PM",
    "location": "X" * 20,
    "link": "https://x.example/m/XXXXXXXXXXXX",
    "hold_minutes": "1440",
    # https://<spa host>/forms/fill#<43-character token>
    "forms_link": "https://x.example/forms/fill#" + "X" * 43,
}
SAMPLE: dict[str, str] = {
    "first_name": "Ava",
    "spa_name": "Glow Aesthetics",
    "spa_phone": "+12125550142",
    "date": "Tue Mar 3",
    "time": "2:30 PM",
    "location": "Flatiron",
    "link": "https://glow.example.com/booking/manage",
    "hold_minutes": "30",
    "forms_link": "https://glow.example.com/forms/fill#token",
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


_E, _S = Channel.EMAIL, Channel.SMS
DEFAULTS: dict[tuple[str, str], Wording] = {
    (MessageKind.CONFIRMATION, _E): Wording(
        "Your visit to {{ spa_name }} on {{ date }}",
        "Hi {{ first_name }},\n\nYou're booked at {{ spa_name }} ({{ location }}) on "
        "{{ date }} at {{ time }}.\n\nDetails, changes and cancellation: {{ link }}\n",
    ),
    (MessageKind.CONFIRMATION, _S): Wording(
        "",
        "{{ spa_name }}: booked {{ date }} {{ time }}. Details: {{ link }} Reply STOP to opt out",
    ),
    (MessageKind.REMINDER, _E): Wording(
        "Reminder: {{ spa_name }} on {{ date }}",
        "Hi {{ first_name }},\n\nA reminder of your visit to {{ spa_name }} ({{ location }}) "
        "on {{ date }} at {{ time }}.\n\nDetails and changes: {{ link }}\n",
    ),
    (MessageKind.REMINDER, _S): Wording(
        "", "{{ spa_name }}: see you {{ date }} {{ time }}. Reply C to confirm. {{ link }}"
    ),
    (MessageKind.CHANGE, _E): Wording(
        "Your visit to {{ spa_name }} has moved",
        "Hi {{ first_name }},\n\nYour visit to {{ spa_name }} is now on {{ date }} at "
        "{{ time }} ({{ location }}).\n\nDetails: {{ link }}\n",
    ),
    (MessageKind.CHANGE, _S): Wording(
        "", "{{ spa_name }}: your visit moved to {{ date }} {{ time }}. {{ link }}"
    ),
    (MessageKind.CANCELLATION, _E): Wording(
        "Your visit to {{ spa_name }} is cancelled",
        "Hi {{ first_name }},\n\nYour visit to {{ spa_name }} on {{ date }} at {{ time }} "
        "is cancelled.\n\nBook again: {{ link }}\n",
    ),
    (MessageKind.CANCELLATION, _S): Wording(
        "", "{{ spa_name }}: your visit {{ date }} {{ time }} is cancelled. {{ link }}"
    ),
    (MessageKind.WAITLIST_OFFER, _E): Wording(
        "A time opened up at {{ spa_name }}",
        "Hi {{ first_name }},\n\nA time you were waiting for is free: {{ date }} at {{ time }} "
        "({{ location }}). It is held for you for {{ hold_minutes }} minutes.\n\n"
        "Claim it: {{ link }}\n",
    ),
    (MessageKind.WAITLIST_OFFER, _S): Wording(
        "", "{{ spa_name }}: {{ date }} {{ time }} is free, held {{ hold_minutes }} min. {{ link }}"
    ),
    # Forms links (tenant_apps/forms/events.py): no clinical detail, not even
    # which forms; the page behind the link asks for the date of birth first.
    (MessageKind.FORM_REQUEST, _E): Wording(
        "Forms before your visit to {{ spa_name }}",
        "Hi {{ first_name }},\n\nBefore your visit to {{ spa_name }}, please fill in your "
        "forms here: {{ forms_link }}\n\nThe link works once and expires; "
        "you will need your date of birth to open it.\n",
    ),
    (MessageKind.FORM_REQUEST, _S): Wording(
        "", "{{ spa_name }}: please fill in your forms before your visit: {{ forms_link }}"
    ),
    (MessageKind.FORMS_COPY, _E): Wording(
        "Your signed forms from {{ spa_name }}",
        "Hi {{ first_name }},\n\nA copy of the forms you signed with {{ spa_name }}: "
        "{{ forms_link }}\n\nKeep it for your records.\n",
    ),
    (MessageKind.FORMS_COPY, _S): Wording(
        "", "{{ spa_name }}: a copy of the forms you signed: {{ forms_link }}"
    ),
    (MessageKind.MARKETING, _E): Wording("News from {{ spa_name }}", "{{ link }}\n"),
    (MessageKind.MARKETING, _S): Wording("", "{{ spa_name }}: {{ link }} Reply STOP to opt out"),
    (MessageKind.OPT_OUT_CONFIRMATION, _S): Wording(
        "", "{{ spa_name }}: you will get no more texts. Reply START to resubscribe."
    ),
    (MessageKind.REPLY, _S): Wording("", "{{ spa_name }}: thank you, your visit is confirmed."),
}
EDITABLE_KINDS = (
    MessageKind.CONFIRMATION,
    MessageKind.REMINDER,
    MessageKind.CHANGE,
    MessageKind.CANCELLATION,
    MessageKind.WAITLIST_OFFER,
    MessageKind.FORM_REQUEST,
    MessageKind.FORMS_COPY,
    MessageKind.MARKETING,
)


def unknown_variables(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in VARIABLES})


def render(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values.get(match.group(1), ""), text)


def wording(kind: str, channel: str) -> Wording:
    """The spa's template for (kind, channel), else the default."""
    own = MessageTemplate.objects.filter(kind=kind, channel=channel).first()
    if own is not None:
        return Wording(own.subject, own.body)
    return DEFAULTS[(kind, channel)]
