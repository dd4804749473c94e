"""Clinical photos: an image stripped of its metadata (EXIF, GPS included) and
its thumbnail, the body area and view, the visit, and the photo consent in
force when it was taken. A photo whose patient has not consented to marketing
can never be exported or shared (tenant_apps/photos/services.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class BodyArea(models.TextChoices):
    FULL_FACE = "full_face", "Full face"
    FOREHEAD = "forehead", "Forehead"
    GLABELLA = "glabella", "Glabella"
    CROWS_FEET = "crows_feet", "Crow's feet"
    UNDER_EYES = "under_eyes", "Under eyes"
    CHEEKS = "cheeks", "Cheeks"
    LIPS = "lips", "Lips"
    NASOLABIAL = "nasolabial", "Nasolabial folds"
    JAWLINE = "jawline", "Jawline"
    CHIN = "chin", "Chin"
    NECK = "neck", "Neck"
    CHEST = "chest", "Chest"
    HANDS = "hands", "Hands"
    BODY = "body", "Body"


class PhotoView(models.TextChoices):
    FRONT = "front", "Front"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    LEFT_OBLIQUE = "left_oblique", "Left oblique"
    RIGHT_OBLIQUE = "right_oblique", "Right oblique"


class PhotoPhase(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"
    FOLLOW_UP = "follow_up", "Follow-up"


class Photo(models.Model):
    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="photos")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        related_name="photos",
        null=True,
        blank=True,
    )
    image = models.OneToOneField("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    thumbnail = models.OneToOneField("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    body_area = models.CharField(max_length=12, choices=BodyArea.choices)
    view = models.CharField(max_length=14, choices=PhotoView.choices)
    phase = models.CharField(max_length=10, choices=PhotoPhase.choices)
    # The photo consent in force when the photo was taken (null: none was).
    consent_response = models.ForeignKey(
        "forms.FormResponse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(body_area__in=BodyArea.values), name="photos_photo_body_area_valid"
            ),
            models.CheckConstraint(
                condition=Q(view__in=PhotoView.values), name="photos_photo_view_valid"
            ),
            models.CheckConstraint(
                condition=Q(phase__in=PhotoPhase.values), name="photos_photo_phase_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-taken_at"], name="photos_client_taken_idx"),
            models.Index(fields=["appointment"], name="photos_appointment_idx"),
        ]

    def __str__(self) -> str:
        return f"Photo {self.pk} ({self.body_area}, {self.view})"
