from tenant_apps.profile.models import SpaProfile


def profile_get() -> SpaProfile:
    """The current spa's profile (the connection must be on a spa schema)."""
    return SpaProfile.objects.get(pk=SpaProfile.SINGLETON_ID)
