"""Reads of the current spa's catalog. Lists come with their relations loaded, so
a page costs the same number of queries whatever its size."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tenant_apps.catalog.models import Product, Service, ServiceCategory
from tenant_apps.locations.models import ResourceType


def service_category_list(*, active: bool | None = None) -> QuerySet[ServiceCategory]:
    categories = ServiceCategory.objects.all()
    if active is not None:
        categories = categories.filter(is_active=active)
    return categories


def service_list(
    *,
    category_id: int | None = None,
    active: bool | None = None,
    bookable_online: bool | None = None,
    search: str | None = None,
) -> QuerySet[Service]:
    """Services with their category and required resource types loaded (one query
    for the page, one for the resource types of all its services)."""
    services = Service.objects.select_related("category").prefetch_related(
        Prefetch("required_resource_types", queryset=ResourceType.objects.order_by("name", "id"))
    )
    if category_id is not None:
        services = services.filter(category_id=category_id)
    if active is not None:
        services = services.filter(is_active=active)
    if bookable_online is not None:
        services = services.filter(is_bookable_online=bookable_online)
    if search and search.strip():
        services = services.filter(name__icontains=search.strip())
    return services


def product_list(
    *, kind: str | None = None, active: bool | None = None, search: str | None = None
) -> QuerySet[Product]:
    """Products; `search` matches the name or the SKU."""
    products = Product.objects.all()
    if kind is not None:
        products = products.filter(kind=kind)
    if active is not None:
        products = products.filter(is_active=active)
    if search and search.strip():
        term = search.strip()
        products = products.filter(Q(name__icontains=term) | Q(sku__icontains=term))
    return products
