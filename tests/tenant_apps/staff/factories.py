"""factory_boy factories for staff records; use them on a spa's schema."""

import datetime

import factory

from tenant_apps.staff.models import (
    Credential,
    CredentialKind,
    StaffProfile,
    TimeOff,
    TimeOffKind,
    WorkingHours,
)
from tests.tenant_apps.locations.factories import LocationFactory


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile

    # Profiles made here stand for people with no account in the test database.
    user_id = factory.Sequence(lambda n: 1_000_000 + n)
    display_name = factory.Sequence(lambda n: f"Provider {n:03}")
    is_provider = True


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    staff = factory.SubFactory(StaffProfileFactory)
    kind = CredentialKind.RN
    licence_number = factory.Sequence(lambda n: f"RN-{n:06}")
    issuing_region = "NY"
    expires_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    staff = factory.SubFactory(StaffProfileFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = 1
    starts_at = datetime.time(9)
    ends_at = datetime.time(17)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    staff = factory.SubFactory(StaffProfileFactory)
    kind = TimeOffKind.TIME_OFF
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(days=1))
    reason = "Conference"
