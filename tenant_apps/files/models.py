"""Files a spa keeps about its patients (photos, drawn signatures, signed PDFs):
one row per stored object. The object itself lives in the spa's own folder or
key prefix of the storage (tenant_apps/files/storage.py); its key never holds a
patient's name. Files are never public: they are read through short-lived
signed URLs served by the app, each read audited.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class FilePurpose(models.TextChoices):
    PHOTO = "photo", "Clinical photo"
    PHOTO_THUMBNAIL = "photo_thumb", "Photo thumbnail"
    SIGNATURE = "signature", "Drawn signature"
    SIGNED_DOCUMENT = "signed_doc", "Signed document (PDF)"
    FORM_UPLOAD = "form_upload", "Upload answering a form"


class StoredFile(models.Model):
    # The object's name inside the spa's folder or prefix: random, no PHI.
    key = models.CharField(max_length=200, unique=True)
    purpose = models.CharField(max_length=12, choices=FilePurpose.choices)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Pixel size of an image (after EXIF orientation is applied).
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # The patient the file is about (every read is audited against them).
    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="files", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(purpose__in=FilePurpose.values), name="files_storedfile_purpose_valid"
            ),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="files_storedfile_sha256_hex"
            ),
        ]
        indexes = [models.Index(fields=["client", "purpose"], name="files_client_purpose_idx")]

    def __str__(self) -> str:
        return f"StoredFile {self.pk} ({self.purpose})"
