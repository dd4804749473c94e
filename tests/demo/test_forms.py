"""Demo forms (demo/forms.py): the demo menu's services require the starters."""

import pytest

from demo.forms import seed_forms
from tenant_apps.forms.models import ServiceForm
from tests.tenant_apps.catalog.factories import ServiceCategoryFactory, ServiceFactory


@pytest.mark.spa("glow")
def test_treatments_require_their_starter_forms_once():
    botox = ServiceFactory(category=ServiceCategoryFactory(name="Neurotoxins"))
    lips = ServiceFactory(category=ServiceCategoryFactory(name="Dermal fillers"))
    other = ServiceFactory(category=ServiceCategoryFactory(name="Retail"))

    assert seed_forms() == 2
    assert seed_forms() == 0

    def required(service):
        return sorted(
            ServiceForm.objects.filter(service=service).values_list(
                "template__starter_key", flat=True
            )
        )

    assert required(botox) == [
        "cancellation_policy",
        "medical_intake",
        "neurotoxin_consent",
        "photo_consent",
    ]
    assert "filler_consent" in required(lips)
    assert required(other) == []
