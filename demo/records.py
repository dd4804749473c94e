"""The records of a demo spa: clients (and, as the apps grow, their history).

Seeded once: a spa that already has clients is left alone. The names are made
up; the phone numbers are in the 555-01xx range reserved for fiction.
"""

from __future__ import annotations

import datetime
import random

from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.clients.services import Consent, client_create

FIRST = [
    "Ava",
    "Mia",
    "Zoe",
    "Lena",
    "Maya",
    "Nora",
    "Iris",
    "Ruby",
    "Jade",
    "Cora",
    "Elena",
    "Priya",
    "Sofia",
    "Hana",
    "Amara",
    "Leo",
    "Marcus",
    "Omar",
    "Theo",
    "Kai",
]
LAST = [
    "Bennett",
    "Okafor",
    "Nakamura",
    "Reyes",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Patel",
    "Kowalski",
    "Fitzgerald",
    "Delgado",
    "Oyelaran",
    "Brennan",
    "Castillo",
    "Ivanova",
]
ALLERGIES = [[], [], [], ["Lidocaine"], ["Latex"], ["Hyaluronidase"], ["Egg protein"]]
TAGS = [[], [], ["vip"], ["membership"], ["neurotoxin"], ["filler", "vip"], ["laser"]]
CLIENTS = 40


def seed_records(*, area_code: str) -> int:
    """Demo clients for the current spa (connection on its schema); returns how many made."""
    if Client.objects.exists():
        return 0
    rng = random.Random(area_code)  # noqa: S311 (made-up people, the same on every run)
    actor = Actor.system("demo")
    for n in range(CLIENTS):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        client_create(
            actor=actor,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}{n}@mail.example".lower(),
            phone=f"+1{area_code}55501{n % 100:02}",
            date_of_birth=datetime.date(
                rng.randint(1960, 2003), rng.randint(1, 12), rng.randint(1, 28)
            ),
            allergies=rng.choice(ALLERGIES),
            tags=rng.choice(TAGS),
            marketing_consent=Consent(rng.random() < 0.6, "in_person") if n % 3 else None,
            allow_duplicate=True,
        )
    return CLIENTS
