"""The demo's clinical photos: before and after photos of past visits through
the real upload, with photo consents (one client's for marketing), seeded once."""

import datetime as dt

import pytest
from django.utils import timezone
from procrastinate.contrib.django import app

from demo.photos import seed_photos
from tenant_apps.forms.selectors import photo_consent_scope
from tenant_apps.forms.services.responses import RENDER_TASK
from tenant_apps.photos.models import Photo
from tests.tenant_apps.scheduling.factories import AppointmentFactory


@pytest.mark.spa("glow")
def test_demo_photos_are_seeded_once_with_one_client_consenting_to_marketing():
    past = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)
    for n in range(4):
        start = past + dt.timedelta(days=n)
        AppointmentFactory(starts_at=start, ends_at=start + dt.timedelta(hours=1))

    made = seed_photos()
    again = seed_photos()

    assert (made, again) == (10, 0)
    clients = set(Photo.objects.values_list("client_id", flat=True))
    scopes = sorted(photo_consent_scope(client_id=pk) for pk in clients)
    # (the consents are signed: they need the PDF job they defer to be registered)
    signed = RENDER_TASK in app.tasks
    assert scopes == (["clinical", "clinical", "marketing"] if signed else ["none"] * 3)
    assert set(Photo.objects.values_list("phase", flat=True)) == {"before", "after"}
    assert Photo.objects.filter(consent_response=None).exists() is not signed
