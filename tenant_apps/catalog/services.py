"""Changes to the current spa's catalog: service categories, services, products.

Every function checks all its arguments before writing and raises one
ValidationError naming each field at fault, so a form can show every problem at
once. Updates change only the arguments given. Nothing is deleted: a category,
service or product leaves the menu with `is_active=False` (appointments and
sales keep pointing at it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from tenant_apps.catalog.checks import (
    CATEGORY_FIELDS,
    PRODUCT_FIELDS,
    SERVICE_FIELDS,
    Cleaner,
)
from tenant_apps.catalog.models import DEFAULT_CURRENCY, Product, Service, ServiceCategory


class _Unset:
    """The type of UNSET: an argument the caller did not give (None may be a value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

# Unique constraints a concurrent write can still trip after our check: the
# field and the error they mean.
_TAKEN: dict[str, tuple[str, ValidationError]] = {
    "servicecategory_name_unique_ci": (
        "name",
        ValidationError("A category with this name exists.", code="NAME_TAKEN"),
    ),
    "service_name_unique_in_category_ci": (
        "name",
        ValidationError("This category has a service with this name.", code="NAME_TAKEN"),
    ),
    "product_sku_unique_ci": (
        "sku",
        ValidationError("Another product has this SKU.", code="SKU_TAKEN"),
    ),
}


def _cleaned(
    given: dict[str, Any], cleaners: dict[str, Cleaner]
) -> tuple[dict[str, Any], dict[str, ValidationError]]:
    """The given arguments checked: (values to store, errors by field).

    The public functions pass their `locals()`: each of their arguments (but the
    row's id) is a field, so the names cannot drift apart.
    """
    values: dict[str, Any] = {}
    errors: dict[str, ValidationError] = {}
    for field, value in given.items():
        if isinstance(value, _Unset):
            continue
        try:
            values[field] = cleaners[field](value)
        except ValidationError as exc:
            errors[field] = exc
    return values, errors


def _check_taken(
    constraint: str, errors: dict[str, ValidationError], others: models.QuerySet
) -> None:
    """Report the constraint's error when `others` (the rows it would clash with) exist."""
    field, error = _TAKEN[constraint]
    if field not in errors and others.exists():
        errors[field] = error


def _save(instance: models.Model) -> None:
    """Save in a savepoint, turning a lost race on a unique constraint into its error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
        if constraint not in _TAKEN:
            raise
        field, error = _TAKEN[constraint]
        raise ValidationError({field: error}) from None


def _locked(model: type[models.Model], pk: int) -> Any:
    row = model._default_manager.select_for_update().filter(pk=pk).first()
    if row is None:
        raise ValidationError({"id": ValidationError("No such record.", code="NOT_FOUND")})
    return row


# Service categories


@transaction.atomic
def service_category_create(
    *, name: str, description: str = "", display_order: int = 0, is_active: bool = True
) -> ServiceCategory:
    """Add a heading to the service menu. Names are unique, ignoring case."""
    return _service_category_write(ServiceCategory(), locals())


@transaction.atomic
def service_category_update(
    *,
    category_id: int,
    name: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    display_order: int | _Unset = UNSET,
    is_active: bool | _Unset = UNSET,
) -> ServiceCategory:
    """Change the given fields of a category; `is_active=False` takes it off the menu."""
    given = locals()
    category = _locked(ServiceCategory, given.pop("category_id"))
    return _service_category_write(category, given)


def _service_category_write(category: ServiceCategory, given: dict[str, Any]) -> ServiceCategory:
    values, errors = _cleaned(given, CATEGORY_FIELDS)
    for field, value in values.items():
        setattr(category, field, value)
    if "name" in values:
        _check_taken(
            "servicecategory_name_unique_ci",
            errors,
            ServiceCategory.objects.filter(name__iexact=category.name).exclude(pk=category.pk),
        )
    if errors:
        raise ValidationError(errors)
    _save(category)
    return category


# Services


@transaction.atomic
def service_create(
    *,
    category_id: int | None,
    name: str,
    duration_minutes: int,
    price_cents: int,
    currency: str = DEFAULT_CURRENCY,
    description: str = "",
    buffer_before_minutes: int = 0,
    buffer_after_minutes: int = 0,
    required_credentials: Sequence[str] = (),
    required_resource_type_ids: Sequence[int | None] = (),
    is_bookable_online: bool = True,
    is_active: bool = True,
    display_order: int = 0,
) -> Service:
    """Add a service to a category.

    `required_credentials`: a provider needs one of them to perform it (none:
    anyone may). `required_resource_type_ids`: kinds of room or device it needs.
    An id of None stands for a reference that names nothing in this spa (an ID of
    another spa, say), reported as not found with the other errors.
    """
    return _service_write(Service(), locals())


@transaction.atomic
def service_update(
    *,
    service_id: int,
    category_id: int | _Unset | None = UNSET,
    name: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    duration_minutes: int | _Unset = UNSET,
    buffer_before_minutes: int | _Unset = UNSET,
    buffer_after_minutes: int | _Unset = UNSET,
    price_cents: int | _Unset = UNSET,
    currency: str | _Unset = UNSET,
    required_credentials: Sequence[str] | _Unset = UNSET,
    required_resource_type_ids: Sequence[int | None] | _Unset = UNSET,
    is_bookable_online: bool | _Unset = UNSET,
    is_active: bool | _Unset = UNSET,
    display_order: int | _Unset = UNSET,
) -> Service:
    """Change the given fields of a service; the lists are replaced whole.
    `is_active=False` takes it off the menu."""
    given = locals()
    service = _locked(Service, given.pop("service_id"))
    return _service_write(service, given)


def _service_write(service: Service, given: dict[str, Any]) -> Service:
    values, errors = _cleaned(given, SERVICE_FIELDS)
    resource_types = values.pop("required_resource_type_ids", None)
    renamed = "name" in values or "category_id" in values
    if "category_id" in values:
        service.category = values.pop("category_id")
    for field, value in values.items():
        setattr(service, field, value)
    if renamed and "category_id" not in errors:
        _check_taken(
            "service_name_unique_in_category_ci",
            errors,
            Service.objects.filter(
                category_id=service.category_id, name__iexact=service.name
            ).exclude(pk=service.pk),
        )
    if errors:
        raise ValidationError(errors)
    _save(service)
    if resource_types is not None:
        service.required_resource_types.set(resource_types)
    return service


# Products


@transaction.atomic
def product_create(
    *,
    name: str,
    sku: str,
    kind: str,
    price_cents: int,
    currency: str = DEFAULT_CURRENCY,
    description: str = "",
    is_active: bool = True,
) -> Product:
    """Add a retail product or a medical supply. SKUs are unique, ignoring case."""
    return _product_write(Product(), locals())


@transaction.atomic
def product_update(
    *,
    product_id: int,
    name: str | _Unset = UNSET,
    sku: str | _Unset = UNSET,
    kind: str | _Unset = UNSET,
    description: str | _Unset = UNSET,
    price_cents: int | _Unset = UNSET,
    currency: str | _Unset = UNSET,
    is_active: bool | _Unset = UNSET,
) -> Product:
    """Change the given fields of a product; `is_active=False` stops its sale."""
    given = locals()
    product = _locked(Product, given.pop("product_id"))
    return _product_write(product, given)


def _product_write(product: Product, given: dict[str, Any]) -> Product:
    values, errors = _cleaned(given, PRODUCT_FIELDS)
    for field, value in values.items():
        setattr(product, field, value)
    if "sku" in values:
        _check_taken(
            "product_sku_unique_ci",
            errors,
            Product.objects.filter(sku__iexact=product.sku).exclude(pk=product.pk),
        )
    if errors:
        raise ValidationError(errors)
    _save(product)
    return product
