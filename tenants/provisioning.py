"""Provisioning a spa's tenancy: its row, subdomain and schema, then opening it.

The mechanics only: who owns the spa, its subscription and anything else that
opens with it are the caller's (`shared_apps/lifecycle/services.py` passes them
as `on_open`). Bad input raises `django.core.exceptions.ValidationError` with a
stable code; routes are forgotten when a spa opens or goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from core.errors import field_error
from tenants.citus import citus_enabled, spa_schema_distribute, spare_schema_take
from tenants.db import connection
from tenants.errors import TenancyErrorCode
from tenants.locks import advisory_lock
from tenants.models import Domain, Spa, SpaStatus, SpaStatusChange
from tenants.routing import invalidate_routing
from tenants.schema_template import (
    UnsupportedTemplateError,
    schema_clone_from_template,
    template_ensure_current,
)
from tenants.services import PROVISIONED_STATUSES, platform_subdomain
from tenants.validators import schema_name_for_slug, validate_slug, validate_timezone

logger = logging.getLogger(__name__)


def spa_provision(
    *,
    slug: str,
    name: str,
    timezone_name: str,
    owner_email: str,
    status: str = SpaStatus.ACTIVE,
    on_open: Callable[[Spa], None] | None = None,
) -> Spa:
    """Create a spa, its platform subdomain and its schema; return it ready to serve.

    `on_open(spa)`, if given, runs inside the transaction that opens the spa:
    what it writes commits with the opening or not at all, and if it raises, the
    spa stays in `provisioning` (for `spa_provision_cancel`). The owner's
    membership and the trial subscription are made there
    (`shared_apps.lifecycle.services.spa_provision`, the one caller the product
    has: this function knows nothing of people or billing).

    Idempotent and resumable: called again with the same arguments it returns the
    finished spa, or finishes one that an earlier call left in `provisioning` (a
    crash, a killed process). Different spas may be provisioned concurrently.
    Runs outside any transaction: it commits between its steps so that a failure
    leaves a spa in `provisioning`, which routes to 503 and which a re-run finishes
    (or `spa_provision_cancel` removes).
    """
    name = (name or "").strip()
    owner_email = (owner_email or "").strip().lower()
    _validate_new_spa(
        slug=slug, name=name, timezone_name=timezone_name, owner_email=owner_email, status=status
    )
    if connection.in_atomic_block:
        raise RuntimeError("spa_provision commits between its steps; call it outside a transaction")
    # Spas and domains live in the public schema, whichever spa the caller was on.
    connection.set_schema_to_public()

    spa = spa_register(
        slug=slug,
        name=name,
        timezone_name=timezone_name,
        owner_email=owner_email,
        initial_status=status,
    )
    if spa.status != SpaStatus.PROVISIONING:
        return spa  # already provisioned by an earlier call with these arguments
    with advisory_lock(f"spa-provision:{spa.pk}"):
        spa.refresh_from_db()
        if spa.status == SpaStatus.PROVISIONING:  # not finished by a concurrent call
            spa_schema_build(spa)
            spa_schema_spread(spa)
            _spa_open(spa, on_open=on_open)
    return spa


def spa_provision_resume(*, spa: Spa, on_open: Callable[[Spa], None] | None = None) -> Spa:
    """Finish provisioning a spa left in `provisioning`, with the arguments it was created with.

    `on_open` as for `spa_provision` (the caller's own work at opening, e.g. the
    console's subscription and audit entry): the spa's row does not remember it."""
    return spa_provision(
        slug=spa.slug,
        name=spa.name,
        timezone_name=spa.timezone,
        owner_email=spa.owner_email,
        status=spa.initial_status,
        on_open=on_open,
    )


def spa_provision_cancel(*, spa: Spa) -> None:
    """Remove a spa that never finished provisioning: its schema, domains and row."""
    if connection.in_atomic_block:
        raise RuntimeError("spa_provision_cancel drops a schema; call it outside a transaction")
    with advisory_lock(f"spa-provision:{spa.pk}"), transaction.atomic():
        locked = Spa.objects.select_for_update().filter(pk=spa.pk).first()
        if locked is None:
            return
        if locked.status != SpaStatus.PROVISIONING:
            raise field_error(
                TenancyErrorCode.SPA_NOT_PROVISIONING,
                "Only a spa that is still provisioning can be cancelled.",
            )
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{locked.schema_name}" CASCADE')
        # Model.delete() of TenantMixin would try to drop the schema itself.
        Domain.objects.filter(tenant=locked).delete()
        Spa.objects.filter(pk=locked.pk).delete()
        invalidate_routing()


def _validate_new_spa(
    *, slug: str, name: str, timezone_name: str, owner_email: str, status: str
) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for field, check in (
        ("slug", lambda: validate_slug(slug)),
        ("timezone", lambda: validate_timezone(timezone_name)),
        ("owner_email", lambda: validate_email(owner_email)),
    ):
        try:
            check()
        except ValidationError as exc:
            code = exc.code if field != "owner_email" else "EMAIL_INVALID"
            errors[field] = [ValidationError(exc.messages[0], code=code)]
    if not name:
        errors["name"] = [field_error(TenancyErrorCode.NAME_REQUIRED, "Enter the spa's name.")]
    elif len(name) > Spa._meta.get_field("name").max_length:
        errors["name"] = [field_error(TenancyErrorCode.NAME_TOO_LONG, "The name is too long.")]
    if status not in PROVISIONED_STATUSES:
        errors["status"] = [
            field_error(TenancyErrorCode.STATUS_INVALID, "A new spa starts as trialing or active.")
        ]
    if errors:
        raise ValidationError(errors)


def spa_register(
    *,
    slug: str,
    name: str,
    timezone_name: str,
    owner_email: str,
    initial_status: str,
    must_be_new: bool = False,
) -> Spa:
    """Step 1: the Spa row (status provisioning) and its subdomain, committed together.

    With `must_be_new` an existing spa is never handed back (a restore must not
    touch one), even one registered a moment ago by a concurrent call."""
    slug_taken = field_error(TenancyErrorCode.SLUG_TAKEN, "That slug is taken.", "slug")
    existing = Spa.objects.filter(slug=slug).first()
    if existing is not None and must_be_new:
        raise slug_taken
    if existing is None:
        schema_name = schema_name_for_slug(slug)
        if schema_exists(schema_name):
            # The schema of an earlier spa at this address (its row deleted, its data
            # kept): a new spa must never adopt another spa's records.
            logger.warning("slug %s refused: schema %s exists without a spa", slug, schema_name)
            raise slug_taken
        try:
            with transaction.atomic():
                spa = Spa.objects.create(
                    slug=slug,
                    schema_name=schema_name,
                    name=name,
                    timezone=timezone_name,
                    owner_email=owner_email,
                    status=SpaStatus.PROVISIONING,
                    initial_status=initial_status,
                )
                Domain.objects.create(
                    tenant=spa,
                    domain=platform_subdomain(slug),
                    is_primary=True,
                    verified_at=timezone.now(),
                )
            return spa
        except (IntegrityError, ValidationError):
            # A concurrent call registered the same slug first: the unique index says
            # so, or django-tenants' own schema-name check before the insert does.
            existing = Spa.objects.filter(slug=slug).first()
            if existing is None or must_be_new:
                raise slug_taken from None
    requested = (name, timezone_name, owner_email, initial_status)
    if (
        existing.name,
        existing.timezone,
        existing.owner_email,
        existing.initial_status,
    ) != requested:
        raise slug_taken
    return existing


def _schema_owner_mark(spa: Spa) -> str:
    """The comment a spa's schema carries, naming the spa row that owns it."""
    return f"spa:{spa.pk}"


def spa_schema_build(spa: Spa, *, spare: bool = True) -> None:
    """Step 2: the spa's schema with every tenant table, by template clone or migrations.

    On Citus a spare schema, already distributed, may be taken instead of a
    clone (tenants/citus.py); `spare=False` when rows are to be loaded into the
    schema before it is distributed (a restore)."""
    template_ensure_current()
    mark = _schema_owner_mark(spa)
    if schema_exists(spa.schema_name):
        # Left by an earlier attempt at this spa, to be migrated on; anything else
        # (another spa's data) is never adopted.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT obj_description(%s::regnamespace, 'pg_namespace')", [spa.schema_name]
            )
            (found,) = cursor.fetchone()
        if found != mark:
            raise field_error(
                TenancyErrorCode.SCHEMA_NOT_OWNED,
                "The spa's schema exists but belongs to no provisioning of this spa.",
            )
    elif settings.SPA_SCHEMA_STRATEGY == "clone":
        if spare and citus_enabled() and spare_schema_take(spa.schema_name, comment=mark):
            return  # a spare, cloned and distributed in advance (tenants/citus.py)
        try:
            schema_clone_from_template(spa.schema_name, comment=mark)
            return
        except UnsupportedTemplateError as exc:
            logger.warning("template clone not possible (%s); running migrations instead", exc)
    # Plain migrations: the configured strategy, the fallback, or a schema left half
    # migrated by an earlier attempt (migrations already applied are skipped).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{spa.schema_name}"')
        cursor.execute(f'COMMENT ON SCHEMA "{spa.schema_name}" IS %s', [mark])
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=spa.schema_name,
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


def spa_schema_spread(spa: Spa) -> None:
    """Step 2b: on a Citus coordinator, distribute the spa's schema to a worker
    (tenants/citus.py). The schema is built, and any data loaded, while it is
    still local; a re-run after a crash finishes it."""
    if citus_enabled():
        spa_schema_distribute(spa.schema_name)


def _spa_open(spa: Spa, *, on_open: Callable[[Spa], None] | None = None) -> None:
    """Step 3: open the spa in the status asked for, and run `on_open` with it."""
    with transaction.atomic():
        opened = Spa.objects.filter(pk=spa.pk, status=SpaStatus.PROVISIONING).update(
            status=spa.initial_status,
            status_changed_at=timezone.now(),
            status_reason="provisioned",
            updated_at=timezone.now(),
        )
        if opened:
            SpaStatusChange.objects.create(
                spa=spa,
                from_status=SpaStatus.PROVISIONING,
                to_status=spa.initial_status,
                cause="provisioning",
            )
        if opened and on_open is not None:
            spa.refresh_from_db()
            on_open(spa)
        invalidate_routing()
    spa.refresh_from_db()
