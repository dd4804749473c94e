"""The database refuses bad catalog rows even when written past the services."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models.deletion import ProtectedError

from tenant_apps.catalog.models import Product, Service
from tests.tenant_apps.catalog.factories import (
    ProductFactory,
    ServiceCategoryFactory,
    ServiceFactory,
)


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "change",
    [
        {"duration_minutes": 0},
        {"duration_minutes": 721},
        {"buffer_before_minutes": 241},
        {"buffer_after_minutes": 241},
        {"price_cents": -1},
        {"currency": "usd"},
        {"currency": "US"},
        {"required_credentials": ["RN", "WIZARD"]},
        {"name": ""},
        {"display_order": -1},
    ],
    ids=lambda change: next(iter(change)),
)
def test_bad_service_rows_are_refused(change):
    service = ServiceFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.filter(pk=service.pk).update(**change)


@pytest.mark.spa("glow")
def test_service_names_are_unique_per_category_ignoring_case():
    service = ServiceFactory.create(name="Botox")
    ServiceFactory.create(name="BOTOX")  # another category

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceFactory.create(category=service.category, name="botox")


@pytest.mark.spa("glow")
def test_category_names_are_unique_ignoring_case():
    ServiceCategoryFactory.create(name="Laser")

    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceCategoryFactory.create(name="LASER")


@pytest.mark.spa("glow")
def test_a_category_with_services_cannot_be_deleted():
    service = ServiceFactory.create()

    with pytest.raises(ProtectedError), transaction.atomic():
        service.category.delete()


@pytest.mark.spa("glow")
@pytest.mark.parametrize(
    "change",
    [
        {"price_cents": -1},
        {"currency": "us$"},
        {"kind": "toy"},
        {"sku": ""},
        {"sku": "has space"},
        {"name": ""},
    ],
    ids=lambda change: f"{next(iter(change))}={next(iter(change.values()))!r}",
)
def test_bad_product_rows_are_refused(change):
    product = ProductFactory.create()

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(**change)


@pytest.mark.spa("glow")
def test_skus_are_unique_ignoring_case():
    ProductFactory.create(sku="SYR-1ML")

    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory.create(sku="syr-1ml")
