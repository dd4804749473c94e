"""Which spa a phone number's replies belong to.

Every spa texts from the platform's one number, so a reply says only who sent
it. A reply goes to the spa that last texted that number: each SMS sent writes
(number, spa, when) here, replacing the previous spa for that number. A number
two spas text at once is answered by the latest sender; its opt-out applies
there (and a STOP reaching the wrong spa still stops the one that texted last,
which is the one the patient is replying to). A number no spa has texted is not
routed.

Public schema: the number is the only PHI here, and it carries no spa data.
"""

from __future__ import annotations

from django.db import models


class SmsRoute(models.Model):
    phone = models.CharField(max_length=20, help_text="E.164")
    spa = models.ForeignKey("tenants.Spa", on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["phone"], name="sms_route_phone_unique")]
        indexes = [models.Index(fields=["spa"], name="sms_route_by_spa")]

    def __str__(self) -> str:
        return f"route {self.pk} -> spa {self.spa_id}"
