"""Demo forms for the current spa: each service of the demo menu requires the
starter forms (tenant_apps/forms/starters.py) a spa would ask for it.
Idempotent: a service that already requires any form is left as it is."""

from __future__ import annotations

from tenant_apps.catalog.models import Service
from tenant_apps.forms.models import FormTemplate, ServiceForm
from tenant_apps.forms.services.templates import service_forms_set

EVERY_TREATMENT = ("medical_intake", "cancellation_policy")
# By menu category (demo/calendar_data.py, MENU): the starter keys required.
REQUIRED_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "Neurotoxins": (*EVERY_TREATMENT, "neurotoxin_consent", "photo_consent"),
    "Dermal fillers": (*EVERY_TREATMENT, "filler_consent", "photo_consent"),
    "Laser and light": (*EVERY_TREATMENT, "laser_consent", "photo_consent"),
    "Facials": EVERY_TREATMENT,
    "Consultations": ("medical_intake",),
}


def seed_forms() -> int:
    """Set the forms each demo service requires; the number of services set."""
    starters = dict(
        FormTemplate.objects.filter(archived_at__isnull=True)
        .exclude(starter_key="")
        .values_list("starter_key", "pk")
    )
    already = set(ServiceForm.objects.values_list("service_id", flat=True))
    count = 0
    for service in Service.objects.select_related("category").order_by("pk"):
        keys = REQUIRED_BY_CATEGORY.get(service.category.name)
        if keys is None or service.pk in already:
            continue
        template_ids = [starters[key] for key in keys if key in starters]
        if template_ids:
            service_forms_set(service_id=service.pk, template_ids=template_ids)
            count += 1
    return count
