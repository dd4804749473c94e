"""The spa profile: validated writes, one row per spa, never shared between spas."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test.utils import CaptureQueriesContext

from tenant_apps.profile.models import SpaProfile
from tenant_apps.profile.selectors import profile_get
from tenant_apps.profile.services import profile_update
from tenants.db import connection


@pytest.mark.spa("glow")
def test_update_normalises_values():
    profile = profile_update(
        contact_email="Hello@Glow.Example",
        brand_color="#c2185b",
        website="https://glow.example",
    )
    assert profile.contact_email == "hello@glow.example"
    assert profile.brand_color == "#C2185B"


@pytest.mark.spa("glow")
def test_phone_is_stored_as_e164():
    assert profile_update(contact_phone="+1 (212) 555-0142").contact_phone == "+12125550142"


@pytest.mark.spa("glow")
def test_phone_without_country_code_is_refused():
    # the spa has no country setting yet to read a national number against
    with pytest.raises(ValidationError) as error:
        profile_update(contact_phone="(212) 555-0142")
    assert error.value.error_dict["contact_phone"][0].code == "PHONE_INVALID"


@pytest.mark.spa("glow")
def test_bad_values_are_refused_together_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        profile_update(
            contact_email="not-an-email",
            contact_phone="12345",
            website="glow dot example",
            brand_color="pink",
            booking_policy="x" * 5001,
        )

    assert {field: errors[0].code for field, errors in error.value.error_dict.items()} == {
        "contact_email": "EMAIL_INVALID",
        "contact_phone": "PHONE_INVALID",
        "website": "URL_INVALID",
        "brand_color": "COLOR_INVALID",
        "booking_policy": "TOO_LONG",
    }
    assert profile_get().contact_email == ""


@pytest.mark.spa("glow")
def test_empty_string_clears_a_field():
    profile_update(website="https://glow.example")
    assert profile_update(website="").website == ""


@pytest.mark.spa("glow")
def test_database_keeps_a_single_profile_row():
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaProfile.objects.create(id=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        SpaProfile.objects.filter(pk=1).update(brand_color="red")


def test_a_spa_changes_only_its_own_profile(glow, radiance):
    connection.set_tenant(glow)
    profile_update(contact_email="owner@glow.example", booking_policy="24h notice")

    connection.set_tenant(radiance)
    assert profile_get().contact_email == ""
    assert profile_get().booking_policy == ""


@pytest.mark.spa("glow")
def test_an_update_saves_only_what_changed():
    profile_update(website="https://glow.example", min_notice_minutes=60)

    with CaptureQueriesContext(connection) as same:
        profile_update(website=" https://glow.example ", min_notice_minutes=60)
    with CaptureQueriesContext(connection) as changed:
        profile_update(website="https://glow.example", min_notice_minutes=120)

    assert not [q for q in same.captured_queries if q["sql"].startswith("UPDATE")]
    [update] = [q["sql"] for q in changed.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"min_notice_minutes" = 120' in update and '"website"' not in update
    assert profile_get().min_notice_minutes == 120
