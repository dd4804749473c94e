"""Self-serve signup on the root domain: a new spa, its owner and its trial.

All or nothing. Everything that can be checked is checked first (slug, names,
email, password, plan, timezone). Then the owner's account is created, the spa
is provisioned (services.py: `spa_provision`), and the transaction that opens it
(trialing) also makes the owner's membership, the plan's trial subscription and
the owner's token (its `on_open`). A failure anywhere removes the spa being provisioned (schema
included) and the account if signup created it.

Someone who already has an account (an owner of another spa, say) signs up
with that account's password: the new spa is added to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from core.errors import field_error
from shared_apps.accounts.emails import spa_base_url
from shared_apps.accounts.models import Membership, User, normalize_email
from shared_apps.accounts.services.tokens import IssuedToken, token_issue
from shared_apps.billing.models import Plan
from shared_apps.lifecycle.errors import SignUpErrorCode
from shared_apps.lifecycle.services import spa_provision
from tenants.models import Spa, SpaStatus
from tenants.provisioning import spa_provision_cancel
from tenants.selectors import slug_availability
from tenants.validators import validate_timezone

logger = logging.getLogger(__name__)

DEFAULT_TIMEZONE = "America/New_York"


@dataclass(frozen=True)
class SignUp:
    spa: Spa
    url: str
    token: IssuedToken


def _check(
    *,
    spa_name: str,
    slug: str,
    owner_name: str,
    email: str,
    password: str,
    plan_code: str,
    timezone_name: str,
    existing: User | None,
) -> Plan | None:
    errors: dict[str, ValidationError] = {}
    availability = slug_availability(slug=slug)
    if not availability.available:
        errors["slug"] = ValidationError(
            availability.message or "That address cannot be used.", code=availability.code
        )
    for field, value, limit in (("spa_name", spa_name, 120), ("owner_name", owner_name, 150)):
        if not value:
            errors[field] = field_error(SignUpErrorCode.NAME_REQUIRED, "Enter a name.")
        elif len(value) > limit:
            errors[field] = field_error(SignUpErrorCode.NAME_TOO_LONG, "The name is too long.")
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = field_error(SignUpErrorCode.EMAIL_INVALID, "Enter a valid email address.")
    try:
        validate_timezone(timezone_name)
    except ValidationError as exc:
        errors["timezone"] = field_error(SignUpErrorCode.TIMEZONE_INVALID, exc.messages[0])
    plan = Plan.objects.filter(code=plan_code, active=True).first()
    if plan is None:
        errors["plan"] = field_error(SignUpErrorCode.PLAN_NOT_FOUND, "There is no such plan.")
    if existing is None:
        try:
            validate_password(password or "", User(email=email, name=owner_name))
        except ValidationError as exc:
            errors["password"] = field_error(
                SignUpErrorCode.PASSWORD_TOO_WEAK, " ".join(exc.messages)
            )
    if errors:
        raise ValidationError(errors)
    return plan


def spa_sign_up(
    *,
    request: HttpRequest,
    spa_name: str,
    slug: str,
    owner_name: str,
    email: str,
    password: str,
    plan_code: str,
    timezone_name: str = DEFAULT_TIMEZONE,
) -> SignUp:
    """Create a spa in `trialing` with `plan`'s trial, owned by the person signing
    up; return its URL and a token for its owner. Must run outside a transaction
    (provisioning commits between its steps)."""
    spa_name, owner_name = (spa_name or "").strip(), (owner_name or "").strip()
    slug, email = (slug or "").strip().lower(), normalize_email(email)
    plan_code = (plan_code or "").strip().lower()
    existing = User.objects.filter(email=email).first()
    plan = _check(
        spa_name=spa_name,
        slug=slug,
        owner_name=owner_name,
        email=email,
        password=password,
        plan_code=plan_code,
        timezone_name=timezone_name,
        existing=existing,
    )
    assert plan is not None
    if existing is not None:
        _check_existing_password(request=request, email=email, password=password)

    created_user = None
    if existing is None:
        try:
            with transaction.atomic():
                created_user = User(email=email, name=owner_name)
                created_user.set_password(password)
                created_user.save()
        except IntegrityError:  # the same email signing up at the same moment
            raise _email_taken() from None

    issued: list[IssuedToken] = []

    def open_spa(spa: Spa) -> None:
        # In the transaction that opens the spa, after the owner's membership and
        # the trial subscription: all of this commits with it.
        membership = Membership.objects.select_related("user").get(spa=spa, user__email=email)
        issued.append(
            token_issue(
                membership=membership, user_agent=request.headers.get("User-Agent", "")[:200]
            )
        )

    try:
        spa = spa_provision(
            slug=slug,
            name=spa_name,
            timezone_name=timezone_name,
            owner_email=email,
            status=SpaStatus.TRIALING,
            trial_plan=plan,
            on_open=open_spa,
        )
        if not issued:
            # An identical signup (a double submit) opened it a moment ago.
            membership = Membership.objects.get(spa=spa, user__email=email)
            issued.append(token_issue(membership=membership))
    except BaseException:
        _undo(slug=slug, email=email, created_user=created_user)
        raise
    return SignUp(spa=spa, url=f"{spa_base_url(spa)}/", token=issued[0])


def _email_taken() -> ValidationError:
    return ValidationError(
        {
            "email": field_error(
                SignUpErrorCode.EMAIL_TAKEN,
                "An account with this email exists: enter its password to add a spa to it.",
            )
        }
    )


def _check_existing_password(*, request: HttpRequest, email: str, password: str) -> None:
    # Through authenticate(), so guesses here are throttled like sign-ins.
    user = authenticate(request=request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        raise field_error(
            SignUpErrorCode.TOO_MANY_ATTEMPTS, "Too many failed attempts. Try again in 15 minutes."
        )
    if user is None:
        raise _email_taken()


def _undo(*, slug: str, email: str, created_user: User | None) -> None:
    """Remove what a failed signup made: the spa (if it never opened) and the account."""
    try:
        spa = Spa.objects.filter(
            slug=slug, owner_email=email, status=SpaStatus.PROVISIONING
        ).first()
        if spa is not None:
            spa_provision_cancel(spa=spa)
    except ValidationError:
        pass  # opened meanwhile by an identical signup: it is that one's
    except Exception as exc:
        # Left in provisioning (503): `manage.py spa cancel` removes it.
        logger.error("signup of %s not undone: %s", slug, type(exc).__name__)
    if created_user is not None:
        User.objects.filter(pk=created_user.pk, memberships__isnull=True).delete()
