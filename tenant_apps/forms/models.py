"""Intake, consent, photo-consent and policy forms.

A template is edited as a draft; publishing freezes the draft into a numbered,
immutable `FormVersion` with the hash of its content. A patient's
`FormResponse` keeps the version it answers and the hash of exactly what the
patient saw, so a later edit of the template never changes what was signed.
A `FormRequest` is the link a patient opens (a single-use token, stored only as
its hash); a `Signature` holds the e-signature evidence (ESIGN/UETA) and a
`SignedDocument` the PDF the platform signed.

The schema a version holds (its fields, conditions and mappings to the client's
record) is described and validated in tenant_apps/forms/schema.py. Answers and
signatures are PHI: `__str__` shows neither.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class FormKind(models.TextChoices):
    INTAKE = "intake", "Medical intake"
    CONSENT = "consent", "Treatment consent"
    PHOTO_CONSENT = "photo_consent", "Photo consent"
    POLICY = "policy", "Policy"


class Renewal(models.TextChoices):
    ONCE = "once", "Once"
    PER_VISIT = "per_visit", "Every visit"
    MONTHS = "months", "Every N months"


class FormTemplate(models.Model):
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    description = models.TextField(blank=True)
    renewal = models.CharField(max_length=12, choices=Renewal.choices, default=Renewal.ONCE)
    renewal_months = models.PositiveSmallIntegerField(null=True, blank=True)
    # The schema being edited (tenant_apps/forms/schema.py); published versions
    # are copies of it.
    draft = models.JSONField(default=dict)
    # The starter a template was made from ("medical_intake", "neurotoxin", ...).
    starter_key = models.CharField(max_length=40, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FormKind.values), name="forms_formtemplate_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(renewal__in=Renewal.values), name="forms_formtemplate_renewal_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(renewal=Renewal.MONTHS, renewal_months__gte=1)
                    | (~Q(renewal=Renewal.MONTHS) & Q(renewal_months__isnull=True))
                ),
                name="forms_formtemplate_renewal_months",
            ),
            models.UniqueConstraint(
                "name",
                condition=Q(archived_at__isnull=True),
                name="forms_formtemplate_name_unique_live",
            ),
        ]

    def __str__(self) -> str:
        return f"FormTemplate {self.pk} ({self.kind})"


class FormVersion(models.Model):
    """A published, immutable copy of a template's schema."""

    template = models.ForeignKey(FormTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=FormKind.choices)
    schema = models.JSONField()
    # sha256 of the canonical JSON of (title, kind, schema).
    content_hash = models.CharField(max_length=64)
    published_at = models.DateTimeField()
    published_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["template_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"], name="forms_formversion_template_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FormKind.values), name="forms_formversion_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"FormVersion {self.pk} (template {self.template_id} v{self.number})"


class ServiceForm(models.Model):
    """A form a service requires before treatment."""

    service = models.ForeignKey(
        "catalog.Service", on_delete=models.CASCADE, related_name="required_forms"
    )
    template = models.ForeignKey(
        FormTemplate, on_delete=models.CASCADE, related_name="service_requirements"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "template"], name="forms_serviceform_service_template_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"ServiceForm {self.pk} (service {self.service_id}, template {self.template_id})"


class RequestChannel(models.TextChoices):
    EMAIL = "email", "Email link"
    SMS = "sms", "Text link"
    TABLET = "tablet", "Tablet at the desk"


class FormRequest(models.Model):
    """A link that lets a patient fill the forms listed in its items: single-use
    (closed once every item is answered), expiring, and known to the server only
    by the hash of its token, which travels in the URL's fragment."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="form_requests"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.CASCADE,
        related_name="form_requests",
        null=True,
        blank=True,
    )
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=8, choices=RequestChannel.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Wrong dates of birth entered; the link closes at the limit in settings.
    failed_checks = models.PositiveSmallIntegerField(default=0)
    created_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=RequestChannel.values),
                name="forms_formrequest_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="forms_formrequest_expires_after_created",
            ),
        ]
        indexes = [
            models.Index(fields=["appointment", "created_at"], name="forms_request_appt_idx"),
        ]

    def __str__(self) -> str:
        return f"FormRequest {self.pk} ({self.channel})"


class FormRequestItem(models.Model):
    request = models.ForeignKey(FormRequest, on_delete=models.CASCADE, related_name="items")
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="+")
    response = models.OneToOneField(
        "FormResponse", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "version"], name="forms_formrequestitem_request_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"FormRequestItem {self.pk} (request {self.request_id})"


class Decision(models.TextChoices):
    COMPLETED = "completed", "Completed"
    ACCEPTED = "accepted", "Consented"
    DECLINED = "declined", "Declined"


class PhotoScope(models.TextChoices):
    CLINICAL = "clinical", "Clinical record only"
    MARKETING = "marketing", "Clinical record and marketing"


class ResponseSource(models.TextChoices):
    PATIENT_LINK = "patient_link", "Patient, from a link"
    TABLET = "tablet", "Patient, on the desk's tablet"
    STAFF = "staff", "Entered by staff"


class FormResponse(models.Model):
    """A patient's answers to one form version: never changed once written."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.PROTECT, related_name="form_responses"
    )
    version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="responses")
    appointment = models.ForeignKey(
        "scheduling.Appointment",
        on_delete=models.PROTECT,
        related_name="form_responses",
        null=True,
        blank=True,
    )
    request = models.ForeignKey(
        FormRequest, on_delete=models.SET_NULL, related_name="responses", null=True, blank=True
    )
    answers = models.JSONField()
    decision = models.CharField(max_length=10, choices=Decision.choices)
    # Only for a photo consent that was accepted.
    photo_scope = models.CharField(max_length=10, choices=PhotoScope.choices, blank=True)
    # sha256 of exactly what the patient was shown (version content and the
    # electronic-records disclosure), and of what they signed (that plus answers).
    shown_hash = models.CharField(max_length=64)
    document_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=12, choices=ResponseSource.choices)
    submitted_at = models.DateTimeField()
    # When it stops counting: submitted + N months for a renewal in months;
    # null for "once" and for "per visit" (which counts for its appointment only).
    valid_until = models.DateTimeField(null=True, blank=True)
    entered_by_user_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="forms_formresponse_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=ResponseSource.values),
                name="forms_formresponse_source_valid",
            ),
            models.CheckConstraint(
                condition=Q(photo_scope="") | Q(photo_scope__in=PhotoScope.values),
                name="forms_formresponse_photo_scope_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-submitted_at"], name="forms_response_client_idx"),
            models.Index(fields=["appointment"], name="forms_response_appt_idx"),
        ]

    def __str__(self) -> str:
        return f"FormResponse {self.pk} (version {self.version_id})"


class Signature(models.Model):
    """The evidence of an electronic signature (ESIGN/UETA): who, the intent
    (typed name and drawn mark, with what signing means), consent to sign
    electronically with the disclosure version accepted, when, from where, and
    the hash of the document signed."""

    response = models.OneToOneField(
        FormResponse, on_delete=models.PROTECT, related_name="signature"
    )
    typed_name = models.CharField(max_length=200)
    drawn_image = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meaning = models.TextField()
    disclosure_version = models.CharField(max_length=20)
    electronic_consent_at = models.DateTimeField()
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    document_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"Signature {self.pk} (response {self.response_id})"


class SignedDocument(models.Model):
    """The response rendered to PDF with its evidence page and signed by the
    platform (PAdES), so any PDF reader shows a change."""

    response = models.OneToOneField(
        FormResponse, on_delete=models.PROTECT, related_name="signed_document"
    )
    file = models.OneToOneField("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    rendered_at = models.DateTimeField()
    # sha256 fingerprint of the certificate that signed it.
    certificate_sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"SignedDocument {self.pk} (response {self.response_id})"


class DocumentLink(models.Model):
    """The patient's copy of a signed document: a link emailed after the PDF is
    signed (`/forms/copy#<token>`; only the token's sha256 is stored). It asks
    for the date of birth before the PDF downloads, closes after
    settings.FORMS_COPY_MAX_FAILED_CHECKS wrong ones, and expires after
    settings.FORMS_COPY_LINK_DAYS (tenant_apps/forms/copies.py)."""

    response = models.ForeignKey(
        FormResponse, on_delete=models.CASCADE, related_name="document_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    failed_checks = models.PositiveSmallIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="forms_documentlink_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"DocumentLink {self.pk} (response {self.response_id})"
