from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import DatabaseError, transaction

from tenant_apps.profile.models import SpaProfile
from tenants.db import connection

if TYPE_CHECKING:
    from tenants.models import Spa


def profile_get() -> SpaProfile:
    """The current spa's profile (the connection must be on a spa schema)."""
    return SpaProfile.objects.get(pk=SpaProfile.SINGLETON_ID)


def profile_of(*, spa: Spa) -> SpaProfile | None:
    """`spa`'s profile, read from the public side (the console): one query in the
    spa's schema, and the connection back on the public schema afterwards, always,
    even if the read fails (whatever runs next must not see the spa's tables).

    None if the schema has no profile to read: a spa still being provisioned, or
    whose schema is gone. The read runs in a savepoint, so such a failure leaves
    the caller's transaction usable.
    """
    connection.set_tenant(spa)
    try:
        with transaction.atomic():
            return SpaProfile.objects.filter(pk=SpaProfile.SINGLETON_ID).first()
    except DatabaseError:
        return None
    finally:
        connection.set_schema_to_public()
