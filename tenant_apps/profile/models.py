"""What a spa tells its patients about itself. One row per spa schema."""

from django.db import models
from django.db.models import Q


class SpaProfile(models.Model):
    """The spa's public face: contact details and booking policy.

    Lives in the spa's schema (the spa edits it; it travels with a schema export).
    Exactly one row, created by migration 0002 (so template clones carry it).
    """

    SINGLETON_ID = 1

    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(
        max_length=20, blank=True, help_text="E.164, e.g. +14155550123"
    )
    website = models.URLField(blank=True)
    booking_policy = models.TextField(blank=True)
    brand_color = models.CharField(max_length=7, blank=True, help_text="#RRGGBB")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="spaprofile_singleton"),
            models.CheckConstraint(
                condition=Q(brand_color="") | Q(brand_color__regex=r"^#[0-9A-Fa-f]{6}$"),
                name="spaprofile_brand_color_hex",
            ),
        ]

    def __str__(self) -> str:
        return "Spa profile"
