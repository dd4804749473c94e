"""Changes to the current spa's catalog: service categories, services, products.

Every function checks all its arguments before writing and raises one
ValidationError naming each field at fault, so a form can show every problem at
once. Updates change only the fields given (`**changes`, typed by the
`...Changes` dicts below) and save only those that changed
(`core/updates.py`). Nothing is deleted: a category, service or product leaves
the menu with `is_active=False` (appointments and sales keep pointing at it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from core.errors import field_error
from core.integrity import violated_constraint
from core.updates import apply_changes
from tenant_apps.catalog.checks import (
    CATEGORY_FIELDS,
    PRODUCT_FIELDS,
    SERVICE_FIELDS,
    Cleaner,
)
from tenant_apps.catalog.errors import CatalogErrorCode
from tenant_apps.catalog.models import Product, Service, ServiceCategory

# The fields of each kind of record a caller may give: all of them optional in
# an update (`...Changes`), some required to create one (`New...`).


class _CategoryDetails(TypedDict, total=False):
    description: str
    display_order: int
    is_active: bool


class NewServiceCategory(_CategoryDetails):
    name: str


class ServiceCategoryChanges(_CategoryDetails, total=False):
    name: str


class _ServiceDetails(TypedDict, total=False):
    description: str
    buffer_before_minutes: int
    buffer_after_minutes: int
    currency: str
    # A provider needs one of them to perform it (none: anyone may).
    required_credentials: Sequence[str]
    # The kinds of room or device it needs. An id of None stands for a reference
    # that names nothing in this spa (an ID of another spa, say), reported as not
    # found with the other errors.
    required_resource_type_ids: Sequence[int | None]
    is_bookable_online: bool
    is_active: bool
    display_order: int


class NewService(_ServiceDetails):
    category_id: int | None
    name: str
    duration_minutes: int
    price_cents: int


class ServiceChanges(_ServiceDetails, total=False):
    category_id: int | None
    name: str
    duration_minutes: int
    price_cents: int


class _ProductDetails(TypedDict, total=False):
    description: str
    currency: str
    is_active: bool


class NewProduct(_ProductDetails):
    name: str
    sku: str
    kind: str
    price_cents: int


class ProductChanges(_ProductDetails, total=False):
    name: str
    sku: str
    kind: str
    price_cents: int


# Unique constraints a concurrent write can still trip after our check: the
# field and the error they mean.
_TAKEN: dict[str, tuple[str, CatalogErrorCode, str]] = {
    "servicecategory_name_unique_ci": (
        "name",
        CatalogErrorCode.NAME_TAKEN,
        "A category with this name exists.",
    ),
    "service_name_unique_in_category_ci": (
        "name",
        CatalogErrorCode.NAME_TAKEN,
        "This category has a service with this name.",
    ),
    "product_sku_unique_ci": ("sku", CatalogErrorCode.SKU_TAKEN, "Another product has this SKU."),
}


def _cleaned(
    given: dict[str, Any], cleaners: dict[str, Cleaner]
) -> tuple[dict[str, Any], dict[str, ValidationError]]:
    """The given fields checked: (values to store, errors by field)."""
    values: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    for field, value in given.items():
        try:
            values[field] = cleaners[field](value)
        except ValidationError as exc:
            errors[field] = exc
    return values, errors


def _check_taken(
    constraint: str, errors: dict[str, ValidationError], others: models.QuerySet
) -> None:
    """Report the constraint's error when `others` (the rows it would clash with) exist."""
    field, code, message = _TAKEN[constraint]
    if field not in errors and others.exists():
        errors[field] = field_error(code, message)


def _save(instance: models.Model, changed: list[str]) -> None:
    """Insert a new row, or write the `changed` fields of an existing one (nothing
    when none changed), in a savepoint, turning a lost race on a unique
    constraint into its error."""
    adding = instance._state.adding
    if not adding and not changed:
        return
    if not adding and any(f.name == "updated_at" for f in instance._meta.concrete_fields):
        changed = [*changed, "updated_at"]
    try:
        with transaction.atomic():
            instance.save(update_fields=None if adding else changed)
    except IntegrityError as exc:
        constraint = violated_constraint(exc, _TAKEN)
        if constraint is None:
            raise
        field, code, message = _TAKEN[constraint]
        raise field_error(code, message, field) from None


def _locked(model: type[models.Model], pk: int) -> Any:
    row = model._default_manager.select_for_update().filter(pk=pk).first()
    if row is None:
        raise field_error(CatalogErrorCode.NOT_FOUND, "No such record.", "id")
    return row


# Service categories


@transaction.atomic
def service_category_create(**fields: Unpack[NewServiceCategory]) -> ServiceCategory:
    """Add a heading to the service menu. Names are unique, ignoring case."""
    return _service_category_write(ServiceCategory(), dict(fields))


@transaction.atomic
def service_category_update(
    *, category_id: int, **changes: Unpack[ServiceCategoryChanges]
) -> ServiceCategory:
    """Change the given fields of a category; `is_active=False` takes it off the menu."""
    return _service_category_write(_locked(ServiceCategory, category_id), dict(changes))


def _service_category_write(category: ServiceCategory, given: dict[str, Any]) -> ServiceCategory:
    values, errors = _cleaned(given, CATEGORY_FIELDS)
    changed = apply_changes(category, values)
    if "name" in values:
        _check_taken(
            "servicecategory_name_unique_ci",
            errors,
            ServiceCategory.objects.filter(name__iexact=category.name).exclude(pk=category.pk),
        )
    if errors:
        raise ValidationError(errors)
    _save(category, changed)
    return category


# Services


@transaction.atomic
def service_create(**fields: Unpack[NewService]) -> Service:
    """Add a service to a category (fields not given take the model's defaults)."""
    return _service_write(Service(), dict(fields))


@transaction.atomic
def service_update(*, service_id: int, **changes: Unpack[ServiceChanges]) -> Service:
    """Change the given fields of a service; the lists are replaced whole.
    `is_active=False` takes it off the menu."""
    return _service_write(_locked(Service, service_id), dict(changes))


def _service_write(service: Service, given: dict[str, Any]) -> Service:
    values, errors = _cleaned(given, SERVICE_FIELDS)
    resource_types = values.pop("required_resource_type_ids", None)
    category = values.pop("category_id", None)
    changed = apply_changes(service, values)
    if category is not None and service.category_id != category.pk:
        service.category = category
        changed.append("category")
    if ("name" in values or "category_id" in given) and "category_id" not in errors:
        _check_taken(
            "service_name_unique_in_category_ci",
            errors,
            Service.objects.filter(
                category_id=service.category_id, name__iexact=service.name
            ).exclude(pk=service.pk),
        )
    if errors:
        raise ValidationError(errors)
    _save(service, changed)
    if resource_types is not None:
        service.required_resource_types.set(resource_types)
    return service


# Products


@transaction.atomic
def product_create(**fields: Unpack[NewProduct]) -> Product:
    """Add a retail product or a medical supply. SKUs are unique, ignoring case."""
    return _product_write(Product(), dict(fields))


@transaction.atomic
def product_update(*, product_id: int, **changes: Unpack[ProductChanges]) -> Product:
    """Change the given fields of a product; `is_active=False` stops its sale."""
    return _product_write(_locked(Product, product_id), dict(changes))


def _product_write(product: Product, given: dict[str, Any]) -> Product:
    values, errors = _cleaned(given, PRODUCT_FIELDS)
    changed = apply_changes(product, values)
    if "sku" in values:
        _check_taken(
            "product_sku_unique_ci",
            errors,
            Product.objects.filter(sku__iexact=product.sku).exclude(pk=product.pk),
        )
    if errors:
        raise ValidationError(errors)
    _save(product, changed)
    return product
