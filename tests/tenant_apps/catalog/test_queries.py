"""Catalog lists: keyset pages in each ordering, filters, constant query counts,
and IDs that stay in their spa."""

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.locations.models import ResourceKind, ResourceType
from tenants.db import connection
from tests.tenant_apps.catalog.factories import (
    ProductFactory,
    ServiceCategoryFactory,
    ServiceFactory,
)

SERVICES = """
query($first: Int, $after: String, $last: Int, $before: String, $orderBy: ServiceOrderBy,
      $categoryId: ID, $active: Boolean, $bookableOnline: Boolean, $search: String) {
  services(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy,
           categoryId: $categoryId, active: $active, bookableOnline: $bookableOnline,
           search: $search) {
    edges { node {
      id name priceCents currency requiredCredentials
      category { id name }
      requiredResourceTypes { id name kind }
    } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""
CATEGORIES = """
query($first: Int, $after: String, $orderBy: ServiceCategoryOrderBy, $active: Boolean) {
  serviceCategories(first: $first, after: $after, orderBy: $orderBy, active: $active) {
    totalCount
    edges { node { id name displayOrder isActive } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PRODUCTS = """
query($first: Int, $after: String, $orderBy: ProductOrderBy, $kind: ProductKind,
      $active: Boolean, $search: String) {
  products(first: $first, after: $after, orderBy: $orderBy, kind: $kind, active: $active,
           search: $search) {
    edges { node { id name sku kind priceCents currency isActive } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _on(spa, make):
    connection.set_tenant(spa)
    try:
        return make()
    finally:
        connection.set_schema_to_public()


def _names(answer, field):
    assert answer.errors == [], answer.body
    return [edge["node"]["name"] for edge in answer.data[field]["edges"]]


def _every_page(client, query, field, variables, size=2):
    names, after = [], None
    while True:
        answer = client.graphql(query, {**variables, "first": size, "after": after})
        names += _names(answer, field)
        page = answer.data[field]["pageInfo"]
        if not page["hasNextPage"]:
            return names
        after = page["endCursor"]


def _menu(spa):
    def make():
        injectables = ServiceCategoryFactory.create(name="Injectables", display_order=1)
        laser = ServiceCategoryFactory.create(name="Laser", display_order=0)
        ServiceFactory.create(category=injectables, name="Botox", price_cents=30000)
        ServiceFactory.create(
            category=injectables, name="Filler", price_cents=60000, display_order=1
        )
        ServiceFactory.create(
            category=laser, name="Resurfacing", price_cents=120000, is_bookable_online=False
        )
        ServiceFactory.create(category=laser, name="Hair removal", price_cents=9000)
        ServiceFactory.create(category=laser, name="Tattoo removal", is_active=False)
        return injectables, laser

    return _on(spa, make)


@pytest.mark.parametrize(
    ("order_by", "expected"),
    [
        (None, ["Botox", "Hair removal", "Resurfacing", "Tattoo removal", "Filler"]),
        ("NAME", ["Botox", "Filler", "Hair removal", "Resurfacing", "Tattoo removal"]),
        ("PRICE", ["Hair removal", "Tattoo removal", "Botox", "Filler", "Resurfacing"]),
    ],
)
def test_services_page_through_each_ordering(glow, signed_in, order_by, expected):
    _menu(glow)
    client = signed_in(glow, "provider")

    # left out, orderBy takes its default (an explicit null is refused: its
    # argument is non-null with a default, tests/core/graphql/test_schema_rules.py)
    ordering = {"orderBy": order_by} if order_by else {}
    names = _every_page(client, SERVICES, "services", ordering)

    assert names == expected


def test_services_page_back(glow, signed_in):
    _menu(glow)
    client = signed_in(glow, "front_desk")
    first = client.graphql(SERVICES, {"first": 3, "orderBy": "NAME"}).data["services"]

    back = client.graphql(
        SERVICES, {"last": 2, "before": first["pageInfo"]["endCursor"], "orderBy": "NAME"}
    )

    assert _names(back, "services") == ["Botox", "Filler"]
    assert back.data["services"]["pageInfo"]["hasPreviousPage"] is False


def test_a_cursor_of_one_ordering_is_refused_by_another(glow, signed_in):
    _menu(glow)
    client = signed_in(glow, "owner")
    cursor = client.graphql(SERVICES, {"first": 1, "orderBy": "NAME"}).data["services"]["pageInfo"][
        "endCursor"
    ]

    answer = client.graphql(SERVICES, {"first": 1, "after": cursor, "orderBy": "PRICE"})

    assert answer.error_codes == ["CURSOR_INVALID"]


def test_service_filters(glow, radiance, signed_in):
    injectables, _ = _menu(glow)
    client = signed_in(glow, "provider")
    injectables_id = _on(glow, lambda: to_global_id("ServiceCategory", injectables.pk))
    radiance_id = _on(radiance, lambda: to_global_id("ServiceCategory", injectables.pk))

    def names(**filters):
        return _names(client.graphql(SERVICES, {"first": 10, **filters}), "services")

    assert names(categoryId=injectables_id) == ["Botox", "Filler"]
    assert names(categoryId=radiance_id) == []
    assert names(active=False) == ["Tattoo removal"]
    assert names(bookableOnline=False) == ["Resurfacing"]
    assert names(search="REMOVAL", active=True) == ["Hair removal"]


def test_service_relations_resolve(glow, signed_in):
    def make():
        room = ResourceType.objects.create(name="Treatment room", kind=ResourceKind.ROOM)
        laser = ResourceType.objects.create(name="CO2 laser", kind=ResourceKind.DEVICE)
        ServiceFactory.create(
            name="Resurfacing",
            required_credentials=["MD", "NP"],
            required_resource_types=[room, laser],
            currency="GBP",
        )

    _on(glow, make)

    node = (
        signed_in(glow, "provider")
        .graphql(SERVICES, {"first": 1})
        .data["services"]["edges"][0]["node"]
    )

    assert node["currency"] == "GBP"
    assert node["requiredCredentials"] == ["MD", "NP"]
    assert [(t["name"], t["kind"]) for t in node["requiredResourceTypes"]] == [
        ("CO2 laser", "DEVICE"),
        ("Treatment room", "ROOM"),
    ]
    assert node["category"]["name"].startswith("Category")


def test_categories_order_filter_and_count(glow, signed_in):
    _menu(glow)
    _on(glow, lambda: ServiceCategoryFactory.create(name="Archived", is_active=False))
    client = signed_in(glow, "front_desk")

    by_display_order = client.graphql(CATEGORIES, {"first": 10})
    by_name = _every_page(client, CATEGORIES, "serviceCategories", {"orderBy": "NAME"}, size=1)
    active = client.graphql(CATEGORIES, {"first": 1, "active": True})

    assert _names(by_display_order, "serviceCategories") == ["Archived", "Laser", "Injectables"]
    assert by_name == ["Archived", "Injectables", "Laser"]
    assert _names(active, "serviceCategories") == ["Laser"]
    assert active.data["serviceCategories"]["totalCount"] == 2


def test_products_order_and_filters(glow, signed_in):
    def make():
        ProductFactory.create(name="Sunscreen", sku="SUN-50", price_cents=4000)
        ProductFactory.create(name="Serum", sku="SER-30", price_cents=9000)
        ProductFactory.create(name="Gauze", sku="GZ-100", kind="supply", price_cents=500)
        ProductFactory.create(name="Old serum", sku="SER-10", is_active=False)

    _on(glow, make)
    client = signed_in(glow, "provider")

    def names(**variables):
        return _every_page(client, PRODUCTS, "products", variables)

    assert names() == ["Gauze", "Old serum", "Serum", "Sunscreen"]
    assert names(orderBy="PRICE") == ["Gauze", "Old serum", "Sunscreen", "Serum"]
    assert names(orderBy="SKU") == ["Gauze", "Old serum", "Serum", "Sunscreen"]
    assert names(kind="SUPPLY") == ["Gauze"]
    assert names(active=True, search="ser") == ["Serum"]
    assert names(search="sun-5") == ["Sunscreen"]


@pytest.mark.parametrize(
    ("query", "field", "make", "queries"),
    [
        # the token, the page, the prefetched resource types
        (SERVICES, "services", "services", 3),
        # the token, the page, the count
        (CATEGORIES, "serviceCategories", "categories", 3),
        # the token, the page
        (PRODUCTS, "products", "products", 2),
    ],
)
def test_a_page_costs_the_same_queries_whatever_its_size(
    glow, signed_in, django_assert_num_queries, query, field, make, queries
):
    def make_rows():
        if make == "categories":
            ServiceCategoryFactory.create_batch(100)
        elif make == "products":
            ProductFactory.create_batch(100)
        else:
            room = ResourceType.objects.create(name="Room", kind=ResourceKind.ROOM)
            laser = ResourceType.objects.create(name="Laser", kind=ResourceKind.DEVICE)
            categories = ServiceCategoryFactory.create_batch(10)
            for n in range(100):
                ServiceFactory.create(
                    category=categories[n % 10],
                    required_resource_types=[room, laser][: n % 3],
                    required_credentials=["RN"],
                )

    _on(glow, make_rows)
    client = signed_in(glow, "owner")
    # warm the routing cache and token; the connection stays on glow's
    # search_path, so the requests measured send no SET
    client.graphql(query, {"first": 1})

    with django_assert_num_queries(queries):
        small = client.graphql(query, {"first": 1})
    with django_assert_num_queries(queries):
        large = client.graphql(query, {"first": 100})

    assert len(small.data[field]["edges"]) == 1
    assert len(large.data[field]["edges"]) == 100


@pytest.mark.parametrize(
    ("factory", "type_name"),
    [
        (ServiceCategoryFactory, "ServiceCategory"),
        (ServiceFactory, "Service"),
        (ProductFactory, "Product"),
    ],
)
def test_an_id_from_another_spa_resolves_to_nothing(glow, radiance, signed_in, factory, type_name):
    mine = _on(glow, lambda: factory.create(name="Glow's"))
    _on(radiance, lambda: factory.create(pk=mine.pk, name="Radiance's"))
    glow_id = _on(glow, lambda: to_global_id(type_name, mine.pk))
    node = f"query($id: ID!) {{ node(id: $id) {{ id ... on {type_name} {{ name }} }} }}"

    at_glow = signed_in(glow, "provider").graphql(node, {"id": glow_id})
    at_radiance = signed_in(radiance, "owner").graphql(node, {"id": glow_id})

    assert at_glow.data["node"] == {"id": glow_id, "name": "Glow's"}
    assert at_radiance.errors == []
    assert at_radiance.data["node"] is None
