"""What the spa sells: services (grouped in categories) and products.

Prices are integer cents with an ISO 4217 currency code, never floats. The
database holds every rule it can (ranges, formats, case-insensitive uniqueness),
so a row written past the services is refused too.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from tenant_apps.staff.models import CredentialKind

# The currencies the platform takes payments in (ISO 4217).
SUPPORTED_CURRENCIES = ("USD", "CAD", "GBP", "EUR", "AUD")
DEFAULT_CURRENCY = "USD"

MAX_DURATION_MINUTES = 720
MAX_BUFFER_MINUTES = 240

# Letters, digits and a few separators: safe in barcodes, file names and URLs.
SKU_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._/-]*$"

_CURRENCY_FORMAT = Q(currency__regex=r"^[A-Z]{3}$")


class ServiceCategory(models.Model):
    """A heading of the service menu ("Injectables", "Laser")."""

    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    display_order = models.PositiveIntegerField(
        default=0, help_text="Lower numbers come first on menus."
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive categories are kept but not offered."
    )

    class Meta:
        verbose_name_plural = "service categories"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="servicecategory_name_unique_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="servicecategory_name_not_empty"),
            models.CheckConstraint(
                condition=Q(display_order__gte=0), name="servicecategory_display_order_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A treatment clients book: how long it takes, what it costs, who may perform it
    and which kinds of room or device it needs."""

    category = models.ForeignKey(ServiceCategory, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        help_text=f"Time with the client, 1 to {MAX_DURATION_MINUTES} minutes."
    )
    buffer_before_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Preparation time blocked before the appointment."
    )
    buffer_after_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Clean-up time blocked after the appointment."
    )
    price_cents = models.PositiveIntegerField(help_text="In the currency's minor unit.")
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY, help_text="ISO 4217.")
    required_credentials = ArrayField(
        models.CharField(max_length=16, choices=CredentialKind.choices),
        default=list,
        blank=True,
        help_text="A provider needs one of these to perform the service; empty: anyone.",
    )
    required_resource_types = models.ManyToManyField(
        "locations.ResourceType",
        blank=True,
        related_name="services",
        help_text="Kinds of room or device the service needs, one of each.",
    )
    is_bookable_online = models.BooleanField(
        default=True, help_text="Clients may book it themselves on the booking page."
    )
    is_active = models.BooleanField(
        default=True, help_text="Inactive services are kept but not offered."
    )
    display_order = models.PositiveIntegerField(
        default=0, help_text="Lower numbers come first on menus."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # The same name may head two categories ("Consultation"), not one twice.
            models.UniqueConstraint(
                "category", Lower("name"), name="service_name_unique_in_category_ci"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="service_name_not_empty"),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="service_duration_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    buffer_before_minutes__gte=0,
                    buffer_before_minutes__lte=MAX_BUFFER_MINUTES,
                    buffer_after_minutes__gte=0,
                    buffer_after_minutes__lte=MAX_BUFFER_MINUTES,
                ),
                name="service_buffers_range",
            ),
            models.CheckConstraint(condition=Q(price_cents__gte=0), name="service_price_nonneg"),
            models.CheckConstraint(condition=_CURRENCY_FORMAT, name="service_currency_iso"),
            models.CheckConstraint(
                condition=Q(required_credentials__contained_by=CredentialKind.values),
                name="service_required_credentials_known",
            ),
            models.CheckConstraint(
                condition=Q(display_order__gte=0), name="service_display_order_nonneg"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductKind(models.TextChoices):
    RETAIL = "retail", "Retail"
    SUPPLY = "supply", "Medical supply"


class Product(models.Model):
    """Something the spa sells over the counter (retail) or uses in treatments
    (medical supply)."""

    name = models.CharField(max_length=120)
    sku = models.CharField(max_length=64, help_text="Stock keeping unit, unique in the spa.")
    kind = models.CharField(max_length=8, choices=ProductKind.choices)
    description = models.TextField(blank=True)
    price_cents = models.PositiveIntegerField(help_text="In the currency's minor unit.")
    currency = models.CharField(max_length=3, default=DEFAULT_CURRENCY, help_text="ISO 4217.")
    is_active = models.BooleanField(
        default=True, help_text="Inactive products are kept but not sold."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("sku"), name="product_sku_unique_ci"),
            models.CheckConstraint(condition=~Q(name=""), name="product_name_not_empty"),
            models.CheckConstraint(condition=Q(sku__regex=SKU_PATTERN), name="product_sku_format"),
            models.CheckConstraint(
                condition=Q(kind__in=ProductKind.values), name="product_kind_valid"
            ),
            models.CheckConstraint(condition=Q(price_cents__gte=0), name="product_price_nonneg"),
            models.CheckConstraint(condition=_CURRENCY_FORMAT, name="product_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"
