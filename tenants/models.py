"""Spas and their domains: the public-schema tables that route every request."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Concat, Lower, Replace
from django.utils import timezone as tz
from django_tenants.models import DomainMixin, TenantMixin

from tenants.validators import SCHEMA_PREFIX, SLUG_MAX_LENGTH, validate_slug, validate_timezone


class SpaStatus(models.TextChoices):
    PROVISIONING = "provisioning", "Provisioning"
    TRIALING = "trialing", "Trialing"
    ACTIVE = "active", "Active"
    PAST_DUE = "past_due", "Past due"
    SUSPENDED = "suspended", "Suspended"
    CLOSED = "closed", "Closed"


class Spa(TenantMixin):
    """One clinic: a tenant with its own PostgreSQL schema."""

    # The schema is built by tenants.provisioning (template clone), not by save().
    auto_create_schema = False
    auto_drop_schema = False

    slug = models.CharField(max_length=SLUG_MAX_LENGTH, unique=True, validators=[validate_slug])
    name = models.CharField(max_length=120)
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    status = models.CharField(
        max_length=16, choices=SpaStatus.choices, default=SpaStatus.PROVISIONING
    )
    # The status provisioning ends in (trialing or active): kept so that a resumed
    # provisioning ends where the original request asked.
    initial_status = models.CharField(
        max_length=16,
        choices=[(SpaStatus.TRIALING, "Trialing"), (SpaStatus.ACTIVE, "Active")],
        default=SpaStatus.ACTIVE,
    )
    status_reason = models.CharField(max_length=255, blank=True)
    status_changed_at = models.DateTimeField(default=tz.now)
    # The platform's contact for this spa (billing, lifecycle emails); the owner's
    # account and membership are created from it once accounts exist.
    owner_email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SpaStatus.values), name="spa_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(slug__regex=r"^[a-z0-9]+(-[a-z0-9]+)*$"), name="spa_slug_format"
            ),
            # The schema name is derived from the slug, never chosen freely.
            models.CheckConstraint(
                condition=Q(
                    schema_name=Concat(
                        models.Value(SCHEMA_PREFIX),
                        Replace("slug", models.Value("-"), models.Value("_")),
                        output_field=models.CharField(),
                    )
                ),
                name="spa_schema_name_from_slug",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_read_only(self) -> bool:
        """Suspended spas answer queries but refuse changes."""
        return self.status == SpaStatus.SUSPENDED

    @property
    def status_warning(self) -> dict[str, str] | None:
        """What every API response of this spa should warn about (the endpoint
        puts it in the response's `extensions.spaStatus`), or None."""
        if self.status == SpaStatus.PAST_DUE:
            return {
                "code": "SPA_PAST_DUE",
                "message": "This spa's subscription payment is past due. "
                "Update the payment method to avoid suspension.",
            }
        return None


class Domain(DomainMixin):
    """A hostname that routes to a spa: its platform subdomain or a custom domain."""

    # Only verified domains route. Platform subdomains are verified when created;
    # a custom domain is verified once the spa has shown it controls the DNS.
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["domain"]
        constraints = [
            models.CheckConstraint(condition=Q(domain=Lower("domain")), name="domain_lowercase"),
            models.UniqueConstraint(
                fields=["tenant"], condition=Q(is_primary=True), name="domain_one_primary_per_spa"
            ),
        ]

    def __str__(self) -> str:
        return self.domain


class SpaStatusChange(models.Model):
    """Every change of a spa's status, with what caused it: a Stripe event
    (`stripe:<event id>`), a billing rule (`billing:grace_period`), provisioning,
    or a person at the console (`console`). Appended by the services in the same
    transaction as the change; never edited."""

    spa = models.ForeignKey(Spa, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=SpaStatus.choices)
    to_status = models.CharField(max_length=16, choices=SpaStatus.choices)
    cause = models.CharField(max_length=120)
    reason = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=tz.now)

    class Meta:
        ordering = ["spa", "created_at", "pk"]
        indexes = [models.Index(fields=["spa", "-created_at"], name="spastatuschange_spa_recent")]
        constraints = [
            models.CheckConstraint(condition=~Q(cause=""), name="spastatuschange_cause_required"),
        ]

    def __str__(self) -> str:
        return f"{self.spa_id}: {self.from_status} -> {self.to_status} ({self.cause})"


class RoutingVersion(models.Model):
    """One counter, bumped in the same transaction as any change to routing (a spa's
    status, a domain). Each process compares it at most once per
    `SPA_ROUTING_VERSION_INTERVAL` seconds and drops its cached routes when it moved,
    so every process sees a suspension or a moved domain within about a second."""

    SINGLETON_ID = 1

    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="routingversion_singleton")]

    def __str__(self) -> str:
        return f"routing version {self.version}"
