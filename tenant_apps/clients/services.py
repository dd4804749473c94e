"""Writes to client records. Each one is logged in the PHI audit log in the same
transaction, with ids only."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypedDict, Unpack

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import field_error
from core.updates import apply_changes
from tenant_apps.audit.models import AuditAction
from tenant_apps.audit.services import Actor, audit_record
from tenant_apps.clients import validation as v
from tenant_apps.clients.errors import ClientErrorCode
from tenant_apps.clients.models import Client, ConsentSource, MarketingConsent
from tenant_apps.clients.selectors import client_find_duplicates
from tenant_apps.locations.models import Location
from tenants.db import connection
from tenants.locks import lock_key


class _ClientDetails(TypedDict, total=False):
    last_name: str | None
    preferred_name: str | None
    date_of_birth: datetime.date | None
    email: str | None
    # With a country code, or national for the spa's first location's country.
    phone: str | None
    address_line1: str | None
    address_line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    notes: str | None
    allergies: Sequence[str] | None
    medications: Sequence[str] | None
    medical_conditions: Sequence[str] | None
    tags: Sequence[str] | None


class ClientChanges(_ClientDetails, total=False):
    """The fields of a client a caller may give. None, an empty string or an
    empty list clears a field (the first name cannot be cleared)."""

    first_name: str | None


class DuplicateSuspected(ValidationError):
    """Likely duplicates exist; the caller may look at them and create anyway."""

    def __init__(self, duplicates: list[Client]) -> None:
        super().__init__(
            {
                NON_FIELD_ERRORS: field_error(
                    ClientErrorCode.DUPLICATE_SUSPECTED,
                    "This client may already exist: check the matches, or create anyway.",
                )
            }
        )
        self.payload = {"duplicates": duplicates}


@dataclass(frozen=True)
class Consent:
    granted: bool
    source: str


def _not_found(field: str = "id") -> ValidationError:
    return field_error(ClientErrorCode.NOT_FOUND, "No such client.", field)


def _default_region() -> str | None:
    """Phone numbers typed without a country code are read as the spa's first
    location's country."""
    return (
        Location.objects.filter(is_active=True).order_by("id").values_list("country", flat=True)
    ).first()


def _cleaned(fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Clean the given fields, collecting every error at once."""
    region = _default_region() if fields.get("phone") else None
    cleaners: dict[str, Callable[[Any], Any]] = {
        "first_name": lambda x: v.clean_name(x, required=True),
        "last_name": lambda x: v.clean_name(x, required=False),
        "preferred_name": lambda x: v.clean_name(x, required=False),
        "date_of_birth": v.clean_date_of_birth,
        "email": v.clean_email,
        "phone": lambda x: v.clean_phone(x, region=region),
        "country": v.clean_country,
        "postal_code": lambda x: v.clean_text(x, limit=v.POSTAL_CODE_MAX),
        "notes": lambda x: v.clean_text(x, limit=v.NOTES_MAX),
        "allergies": v.clean_list,
        "medications": v.clean_list,
        "medical_conditions": v.clean_list,
        "tags": lambda x: v.clean_list(x, item_max=v.TAG_MAX, items_max=v.TAGS_MAX),
        **{name: partial(v.clean_text, limit=limit) for name, limit in v.ADDRESS_MAX.items()},
    }
    cleaned: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    for name, value in fields.items():
        if value is None and name not in ("date_of_birth",):
            value = [] if name in ("allergies", "medications", "medical_conditions", "tags") else ""
        try:
            cleaned[name] = cleaners[name](value)
        except ValidationError as exc:
            errors[name] = exc
    if creating and "first_name" not in cleaned and "first_name" not in errors:
        errors["first_name"] = field_error(ClientErrorCode.NAME_REQUIRED, "Enter a first name.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_consent(consent: Consent | None) -> None:
    if consent is not None and consent.source not in ConsentSource.values:
        raise field_error(
            ClientErrorCode.CONSENT_SOURCE_REQUIRED,
            "Say how the consent decision was given.",
            "marketing_consent",
        )


def _record_consent(client: Client, consent: Consent, *, actor: Actor) -> None:
    now = timezone.now()
    client.marketing_consent = consent.granted
    client.marketing_consent_at = now
    client.marketing_consent_source = consent.source
    MarketingConsent.objects.create(
        client=client,
        granted=consent.granted,
        source=consent.source,
        recorded_at=now,
        recorded_by_user_id=actor.user_id,
    )


def client_identity_lock(
    *,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    date_of_birth: datetime.date | None = None,
) -> None:
    """Wait until no other transaction is creating a client with this email, this
    phone, or this name and date of birth (values as stored: cleaned), and keep
    others waiting until ours ends. Call inside the transaction, before looking
    for the matches.

    Looking for duplicates and then inserting cannot see a client another
    request is inserting at the same moment, and a unique index cannot refuse
    it: duplicates are allowed when asked for (`allow_duplicate`, online
    booking), and archived and merged records keep their email and phone. So
    whoever creates with these details first commits before the next one looks.
    The locks are transaction-scoped advisory locks, one per value within the
    spa's schema (keys are hashes: no PHI in pg_locks), taken in one statement
    in key order, so two creates sharing some of their values cannot deadlock."""
    names = []
    if email:
        names.append(f"email:{email}")
    if phone:
        names.append(f"phone:{phone}")
    if date_of_birth is not None:
        names.append(f"name-dob:{first_name.lower()}\x1f{last_name.lower()}\x1f{date_of_birth}")
    if not names:
        return
    keys = sorted({lock_key(f"client-{name}@{connection.schema_name}") for name in names})
    with connection.cursor() as cursor:
        # unnest yields the keys in the array's order, and each row's lock is
        # taken as the row is produced.
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [keys])


def client_create(
    *,
    actor: Actor,
    first_name: str,
    allow_duplicate: bool = False,
    marketing_consent: Consent | None = None,
    **fields: Unpack[_ClientDetails],
) -> Client:
    """Create a client. Unless `allow_duplicate`, refuses (DUPLICATE_SUSPECTED,
    with the matches) when a client with the same email or phone, or the same
    name and date of birth, already exists, or is being created by another
    request at the same moment (`client_identity_lock`)."""
    cleaned = _cleaned({"first_name": first_name, **fields}, creating=True)
    _check_consent(marketing_consent)
    with transaction.atomic():
        # Taken with `allow_duplicate` too: a create that checks, started
        # meanwhile, then sees this one.
        client_identity_lock(
            first_name=cleaned["first_name"],
            last_name=cleaned.get("last_name", ""),
            date_of_birth=cleaned.get("date_of_birth"),
            email=cleaned.get("email", ""),
            phone=cleaned.get("phone", ""),
        )
        if not allow_duplicate:
            duplicates = client_find_duplicates(
                first_name=cleaned["first_name"],
                last_name=cleaned.get("last_name", ""),
                date_of_birth=cleaned.get("date_of_birth"),
                email=cleaned.get("email", ""),
                phone=cleaned.get("phone", ""),
            )
            if duplicates:
                raise DuplicateSuspected(duplicates)
        client = Client(created_by_user_id=actor.user_id, **cleaned)
        client.save()
        if marketing_consent is not None:
            _record_consent(client, marketing_consent, actor=actor)
            client.save(update_fields=_CONSENT_FIELDS)
        audit_record(actor=actor, action=AuditAction.CREATE, client_ids=[client.pk])
    return client


_CONSENT_FIELDS = ["marketing_consent", "marketing_consent_at", "marketing_consent_source"]


def _locked(client_id: int | None, *, field: str = "id") -> Client:
    client = (
        Client.objects.select_for_update().filter(pk=client_id).first()
        if client_id is not None
        else None
    )
    if client is None:
        raise _not_found(field)
    return client


def client_update(
    *,
    actor: Actor,
    client_id: int | None,
    marketing_consent: Consent | None = None,
    **changes: Unpack[ClientChanges],
) -> Client:
    """Change the given fields of a client (others stay as they are) and save
    those that changed. Lists are replaced whole; None, an empty string or list
    clears a field."""
    cleaned = _cleaned(changes, creating=False)
    _check_consent(marketing_consent)
    with transaction.atomic():
        client = _locked(client_id)
        if client.is_archived:
            raise field_error(
                ClientErrorCode.CLIENT_ARCHIVED, "Restore this client before changing it.", "id"
            )
        changed = apply_changes(client, cleaned)
        if marketing_consent is not None and (
            marketing_consent.granted != client.marketing_consent
            or client.marketing_consent_at is None
        ):
            _record_consent(client, marketing_consent, actor=actor)
            changed += _CONSENT_FIELDS
        if changed:
            client.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, client_ids=[client.pk])
    return client


def client_archive(*, actor: Actor, client_id: int | None) -> Client:
    """Hide a client from lists and searches. Nothing is deleted; restore undoes it."""
    with transaction.atomic():
        client = _locked(client_id)
        if client.archived_at is None:
            client.archived_at = timezone.now()
            client.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ARCHIVE, client_ids=[client.pk])
    return client


def client_restore(*, actor: Actor, client_id: int | None) -> Client:
    with transaction.atomic():
        client = _locked(client_id)
        if client.merged_into_id is not None:
            raise field_error(
                ClientErrorCode.CLIENT_MERGED,
                "This record was merged into another; open that one instead.",
                "id",
            )
        if client.archived_at is not None:
            client.archived_at = None
            client.save(update_fields=["archived_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.RESTORE, client_ids=[client.pk])
    return client


def client_merge(*, actor: Actor, survivor_id: int | None, duplicate_id: int | None) -> Client:
    """Fold `duplicate` into `survivor`: every row that points at the duplicate
    (consents, and any later record such as appointments) moves to the survivor;
    the survivor's empty fields take the duplicate's values; allergies,
    medications, conditions and tags are united (nothing clinical is dropped);
    notes are kept, one after the other; the latest consent decision wins. The
    duplicate is archived, pointing at the survivor."""
    if survivor_id is not None and survivor_id == duplicate_id:
        raise field_error(
            ClientErrorCode.MERGE_SAME_CLIENT, "Pick two different clients.", "duplicate_id"
        )
    with transaction.atomic():
        # Both rows locked, in id order (two merges of the same pair cannot deadlock).
        locked = {
            c.pk: c
            for c in Client.objects.select_for_update()
            .filter(pk__in=[pk for pk in (survivor_id, duplicate_id) if pk is not None])
            .order_by("pk")
        }
        survivor = locked.get(survivor_id) if survivor_id is not None else None
        duplicate = locked.get(duplicate_id) if duplicate_id is not None else None
        errors: dict[str, ValidationError] = {}
        if survivor is None:
            errors["survivor_id"] = field_error(ClientErrorCode.NOT_FOUND, "No such client.")
        elif survivor.merged_into_id is not None:
            errors["survivor_id"] = field_error(
                ClientErrorCode.CLIENT_MERGED, "This record was merged already."
            )
        if duplicate is None:
            errors["duplicate_id"] = field_error(ClientErrorCode.NOT_FOUND, "No such client.")
        elif duplicate.merged_into_id is not None:
            errors["duplicate_id"] = field_error(
                ClientErrorCode.CLIENT_MERGED, "This record was merged already."
            )
        if errors:
            raise ValidationError(errors)
        assert survivor is not None and duplicate is not None
        _fold(survivor, duplicate)
        _move_related_rows(source=duplicate, target=survivor)
        survivor.save()
        duplicate.merged_into = survivor
        duplicate.archived_at = duplicate.archived_at or timezone.now()
        duplicate.save(update_fields=["merged_into", "archived_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.MERGE, client_ids=[survivor.pk, duplicate.pk])
    return survivor


_FILL_BLANKS = [
    "last_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
]
_UNITE = ["allergies", "medications", "medical_conditions", "tags"]


def _fold(survivor: Client, duplicate: Client) -> None:
    for name in _FILL_BLANKS:
        if getattr(survivor, name) in ("", None):
            setattr(survivor, name, getattr(duplicate, name))
    for name in _UNITE:
        setattr(survivor, name, v.merge_lists(getattr(survivor, name), getattr(duplicate, name)))
    if duplicate.notes:
        survivor.notes = "\n\n".join(n for n in (survivor.notes, duplicate.notes) if n)
    if duplicate.marketing_consent_at is not None and (
        survivor.marketing_consent_at is None
        or duplicate.marketing_consent_at > survivor.marketing_consent_at
    ):
        for name in _CONSENT_FIELDS:
            setattr(survivor, name, getattr(duplicate, name))
    if survivor.created_at > duplicate.created_at:
        # The record has existed since the older of the two.
        survivor.created_at = duplicate.created_at


def _move_related_rows(*, source: Client, target: Client) -> None:
    """Point every foreign key to `source` at `target`, whatever app it is in, so a
    model added later (appointments, charts) is carried along without changes here."""
    for relation in Client._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        model = relation.related_model
        assert not isinstance(model, str)  # resolved once the apps are loaded
        model._default_manager.filter(**{relation.field.name: source}).update(
            **{relation.field.name: target}
        )
