"""Which spas a phone number's replies may belong to.

Every spa texts from the platform's one number, so a reply says only who sent
it. Each SMS a spa hands to the provider writes (number, spa, when) here: one
row per number and spa, with the time of that spa's last text to it. A reply is
routed by these rows (shared_apps/sms/views.py): STOP and START reach every
spa that texted the number; YES confirms only when one spa alone texted it in
the last week; anything else goes to the spa that texted it last. A number no
spa has texted is not routed.

Public schema: the number is the only PHI here, and it carries no spa data.
The spa is a public row; nothing here points into a spa's schema.
"""

from __future__ import annotations

from django.db import models


class SmsRoute(models.Model):
    phone = models.CharField(max_length=20, help_text="E.164")
    spa = models.ForeignKey("tenants.Spa", on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone", "spa"], name="sms_route_phone_spa_unique")
        ]
        # The unique index (phone first) serves the lookup by number.
        indexes = [models.Index(fields=["spa"], name="sms_route_by_spa")]

    def __str__(self) -> str:
        return f"route {self.pk} -> spa {self.spa_id}"
