"""People and their access: users (global), memberships (a role in one spa),
API tokens (bound to one membership) and invitations. All in the public schema."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalize_email(username or ""))


def normalize_email(email: str) -> str:
    """Emails are compared whole and case-insensitively: stored lowercase."""
    return (email or "").strip().lower()


class User(AbstractBaseUser):
    """A person. Global: one user may work at several spas (see Membership)."""

    # Stored lowercase (a check constraint holds it), so unique is case-insensitive.
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164")
    is_active = models.BooleanField(default=True)
    # Members of the platform team: the super-admin console is theirs.
    is_platform_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(email=Lower("email")), name="user_email_lowercase"),
        ]

    def __str__(self) -> str:
        return f"user {self.pk}"  # never the email: str() ends up in logs


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    PROVIDER = "provider", "Provider"
    FRONT_DESK = "front_desk", "Front desk"


class Membership(models.Model):
    """A user's role in one spa. Deactivated, not deleted: history keeps its author."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    spa = models.ForeignKey("tenants.Spa", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "spa"], name="membership_one_per_user_and_spa"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="membership_role_valid"),
        ]
        indexes = [models.Index(fields=["spa", "is_active"], name="membership_spa_active")]

    def __str__(self) -> str:
        return f"membership {self.pk} ({self.role})"


# The longest a console impersonation may last (the database holds it too).
IMPERSONATION_MAX_MINUTES = 60


class ApiToken(models.Model):
    """A bearer token for one membership (so one user in one spa). Only its SHA-256
    is stored; the token itself is shown once, at login.

    An *impersonation* token (`impersonated_by` set) is one that platform staff
    started at the console to use the spa's API as this member, for support:
    with a reason, for at most IMPERSONATION_MAX_MINUTES, refused the person's
    own business (password, tokens, team, billing: see
    shared_apps/accounts/graphql/impersonation.py) and attributed to the staff
    member in the spa's audit log.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    # The platform staff member using this member's access (same schema, so a
    # real foreign key). Removing the account removes its impersonation tokens:
    # the history is in both audit logs, which name people by id, not by key.
    impersonated_by = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Why, in the staff member's words (shown to the spa in `me.impersonation`).
    impersonation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["membership", "revoked_at"], name="apitoken_membership_live"),
            # The console's "active impersonations": only live impersonation rows.
            models.Index(
                fields=["expires_at"],
                condition=Q(impersonated_by__isnull=False, revoked_at__isnull=True),
                name="apitoken_impersonation_live",
            ),
        ]
        constraints = [
            # An impersonation always says why; an ordinary token has no reason.
            models.CheckConstraint(
                condition=Q(impersonated_by__isnull=True, impersonation_reason="")
                | (Q(impersonated_by__isnull=False) & ~Q(impersonation_reason="")),
                name="apitoken_impersonation_reason",
            ),
            models.CheckConstraint(
                condition=Q(impersonated_by__isnull=True)
                | Q(expires_at__lte=F("created_at") + timedelta(minutes=IMPERSONATION_MAX_MINUTES)),
                name="apitoken_impersonation_time_limited",
            ),
        ]

    def __str__(self) -> str:
        return f"token {self.pk}"


class Invitation(models.Model):
    """An emailed, single-use, expiring offer of a role in a spa."""

    spa = models.ForeignKey("tenants.Spa", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=16, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="invitation_role_valid"),
            models.CheckConstraint(
                condition=Q(email=Lower("email")), name="invitation_email_lowercase"
            ),
        ]

    def __str__(self) -> str:
        return f"invitation {self.pk} ({self.role})"
