"""The people who work in the spa: staff profiles, credentials, working hours, time off."""

from __future__ import annotations

from django.db import models


class CredentialKind(models.TextChoices):
    """Professional credentials a provider holds and a service may require."""

    RN = "RN", "Registered nurse"
    NP = "NP", "Nurse practitioner"
    PA = "PA", "Physician assistant"
    MD = "MD", "Physician"
    AESTHETICIAN = "AESTHETICIAN", "Licensed aesthetician"
