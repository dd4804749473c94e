"""Clients: the spa's patients. Everything here is PHI.

`__str__` never shows a name (str() ends up in logs and error reports), and every
read or write of a client is logged in the audit log (tenant_apps/audit).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

# What search matches, weighted: names (A), email and its local part (B), and the
# phone's digits, its last ten (the national number, for most countries) and
# last four (C). Core PostgreSQL only: the 'simple' configuration lowercases and
# nothing else, so prefix queries (`jan:*`) match names as typed.
SEARCH_DOCUMENT = r"""
setweight(to_tsvector('simple', first_name || ' ' || last_name || ' ' || preferred_name), 'A')
|| setweight(to_tsvector('simple', email || ' ' || split_part(email, '@', 1)), 'B')
|| setweight(to_tsvector('simple',
       regexp_replace(phone, '\D', '', 'g') || ' '
       || right(regexp_replace(phone, '\D', '', 'g'), 10) || ' '
       || right(regexp_replace(phone, '\D', '', 'g'), 4)), 'C')
"""


class ConsentSource(models.TextChoices):
    """How a marketing consent decision was given."""

    IN_PERSON = "in_person", "In person, at the spa"
    ONLINE_BOOKING = "online_booking", "Online booking form"
    PHONE = "phone", "By phone"
    EMAIL = "email", "By email"
    PAPER_FORM = "paper_form", "Signed paper form"
    IMPORT = "import", "Imported from another system"


class Client(models.Model):
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    allergies = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    medications = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    medical_conditions = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    notes = models.TextField(blank=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    # The current marketing decision; MarketingConsent keeps every one made.
    marketing_consent = models.BooleanField(default=False)
    marketing_consent_at = models.DateTimeField(null=True, blank=True)
    marketing_consent_source = models.CharField(
        max_length=16, choices=ConsentSource.choices, blank=True
    )
    # The public user id of whoever created the record (no foreign key leaves the schema).
    created_by_user_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Set when this record was merged into another (and archived).
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    search_document = models.GeneratedField(
        expression=RawSQL(SEARCH_DOCUMENT, []),  # noqa: S611 (a constant, no input)
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(first_name=""), name="client_first_name_required"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="client_email_lowercase"
            ),
            models.CheckConstraint(
                condition=Q(phone="") | Q(phone__regex=r"^\+[1-9][0-9]{6,14}$"),
                name="client_phone_e164",
            ),
            models.CheckConstraint(
                condition=Q(date_of_birth__isnull=True) | Q(date_of_birth__gte="1900-01-01"),
                name="client_date_of_birth_plausible",
            ),
            models.CheckConstraint(
                condition=Q(country="") | Q(country__regex=r"^[A-Z]{2}$"),
                name="client_country_iso",
            ),
            models.CheckConstraint(
                condition=Q(marketing_consent_at__isnull=True, marketing_consent_source="")
                | Q(
                    marketing_consent_at__isnull=False,
                    marketing_consent_source__in=ConsentSource.values,
                ),
                name="client_consent_has_when_and_how",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(archived_at__isnull=False),
                name="client_merged_is_archived",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=F("id")), name="client_not_merged_into_itself"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_document"], name="client_search"),
            models.Index(
                fields=["last_name", "first_name", "id"],
                name="client_by_name",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(fields=["email"], name="client_email", condition=~Q(email="")),
            models.Index(fields=["phone"], name="client_phone", condition=~Q(phone="")),
            models.Index(
                Lower("last_name"), Lower("first_name"), "date_of_birth", name="client_name_dob"
            ),
            GinIndex(fields=["tags"], name="client_tags"),
        ]

    def __str__(self) -> str:
        return f"client {self.pk}"  # never a name: str() ends up in logs

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    @property
    def display_name(self) -> str:
        """The name to greet the client by: preferred (else first), then last."""
        return " ".join(filter(None, [self.preferred_name or self.first_name, self.last_name]))


class MarketingConsent(models.Model):
    """Every marketing consent decision, as given: the proof of consent."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="consents")
    granted = models.BooleanField()
    source = models.CharField(max_length=16, choices=ConsentSource.choices)
    recorded_at = models.DateTimeField()
    recorded_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ConsentSource.values), name="consent_source_valid"
            ),
        ]
        indexes = [models.Index(fields=["client", "recorded_at"], name="consent_by_client")]

    def __str__(self) -> str:
        return f"consent {self.pk}"
