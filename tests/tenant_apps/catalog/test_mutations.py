"""Catalog mutations: managers change the catalog, errors come back as fields and
leave nothing behind, other roles are refused."""

import pytest

from core.graphql.relay import to_global_id
from tenant_apps.catalog.models import Product, Service, ServiceCategory
from tenant_apps.locations.models import ResourceType
from tenants.db import connection
from tests.tenant_apps.catalog.factories import (
    ProductFactory,
    ServiceCategoryFactory,
    ServiceFactory,
)

ERRORS = "errors { field code }"
SERVICE = f"""
mutation($input: CreateServiceInput!) {{
  createService(input: $input) {{
    {ERRORS}
    service {{
      id name durationMinutes bufferBeforeMinutes bufferAfterMinutes priceCents currency
      requiredCredentials requiredResourceTypes {{ id name }} category {{ id name }}
      isBookableOnline isActive displayOrder
    }}
  }}
}}
"""
UPDATE_SERVICE = f"""
mutation($id: ID!, $input: UpdateServiceInput!) {{
  updateService(id: $id, input: $input) {{ {ERRORS} service {{ name priceCents isActive }} }}
}}
"""
CATEGORY = f"""
mutation($input: CreateServiceCategoryInput!) {{
  createServiceCategory(input: $input) {{ {ERRORS} serviceCategory {{ id name }} }}
}}
"""
UPDATE_CATEGORY = f"""
mutation($id: ID!, $input: UpdateServiceCategoryInput!) {{
  updateServiceCategory(id: $id, input: $input) {{ {ERRORS} serviceCategory {{ name isActive }} }}
}}
"""
PRODUCT = f"""
mutation($input: CreateProductInput!) {{
  createProduct(input: $input) {{ {ERRORS} product {{ id name sku kind priceCents currency }} }}
}}
"""
UPDATE_PRODUCT = f"""
mutation($id: ID!, $input: UpdateProductInput!) {{
  updateProduct(id: $id, input: $input) {{ {ERRORS} product {{ sku priceCents isActive }} }}
}}
"""


def _on(spa, make):
    """`make()` run on the spa's schema, with the global IDs of that spa."""
    connection.set_tenant(spa)
    try:
        return make()
    finally:
        connection.set_schema_to_public()


def _errors(answer, mutation):
    assert answer.errors == [], answer.body
    return {error["field"]: error["code"] for error in answer.data[mutation]["errors"]}


def test_a_manager_creates_a_category_and_a_service(glow, signed_in):
    laser = _on(glow, lambda: ResourceType.objects.create(name="CO2 laser", kind="device"))
    laser_id = _on(glow, lambda: to_global_id("ResourceType", laser.pk))
    client = signed_in(glow, "manager")

    category = client.graphql(CATEGORY, {"input": {"name": "Laser"}}).data
    created = client.graphql(
        SERVICE,
        {
            "input": {
                "categoryId": category["createServiceCategory"]["serviceCategory"]["id"],
                "name": "Resurfacing",
                "durationMinutes": 60,
                "bufferAfterMinutes": 15,
                "priceCents": 120000,
                "currency": "CAD",
                "requiredCredentials": ["MD", "NP"],
                "requiredResourceTypeIds": [laser_id],
                "isBookableOnline": False,
            }
        },
    ).data["createService"]

    assert created["errors"] == []
    assert created["service"] | {"id": None} == {
        "id": None,
        "name": "Resurfacing",
        "durationMinutes": 60,
        "bufferBeforeMinutes": 0,
        "bufferAfterMinutes": 15,
        "priceCents": 120000,
        "currency": "CAD",
        "requiredCredentials": ["NP", "MD"],
        "requiredResourceTypes": [{"id": laser_id, "name": "CO2 laser"}],
        "category": category["createServiceCategory"]["serviceCategory"],
        "isBookableOnline": False,
        "isActive": True,
        "displayOrder": 0,
    }


def test_create_service_refuses_bad_input_with_every_field_error(glow, signed_in):
    category = _on(glow, ServiceCategoryFactory.create)
    category_id = _on(glow, lambda: to_global_id("ServiceCategory", category.pk))

    answer = signed_in(glow, "owner").graphql(
        SERVICE,
        {
            "input": {
                "categoryId": category_id,
                "name": "",
                "durationMinutes": 0,
                "bufferBeforeMinutes": 300,
                "priceCents": -100,
                "currency": "BTC",
                "requiredResourceTypeIds": ["bm9wZQ"],
            }
        },
    )

    assert _errors(answer, "createService") == {
        "name": "NAME_REQUIRED",
        "durationMinutes": "DURATION_INVALID",
        "bufferBeforeMinutes": "BUFFER_INVALID",
        "priceCents": "PRICE_NEGATIVE",
        "currency": "CURRENCY_INVALID",
        "requiredResourceTypeIds": "RESOURCE_TYPE_NOT_FOUND",
    }
    assert answer.data["createService"]["service"] is None
    assert not _on(glow, Service.objects.exists)


def test_an_unknown_credential_is_refused_by_the_schema(glow, signed_in):
    category = _on(glow, ServiceCategoryFactory.create)
    category_id = _on(glow, lambda: to_global_id("ServiceCategory", category.pk))
    service = {"categoryId": category_id, "name": "Facial", "durationMinutes": 30}

    answer = signed_in(glow, "owner").graphql(
        SERVICE, {"input": service | {"priceCents": 100, "requiredCredentials": ["WIZARD"]}}
    )

    assert answer.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
    assert not _on(glow, Service.objects.exists)


def test_a_category_of_another_spa_is_not_found(glow, radiance, signed_in):
    glow_category = _on(glow, ServiceCategoryFactory.create)
    glow_category_id = _on(glow, lambda: to_global_id("ServiceCategory", glow_category.pk))
    _on(radiance, lambda: ServiceCategoryFactory.create(pk=glow_category.pk))

    answer = signed_in(radiance, "owner").graphql(
        SERVICE,
        {
            "input": {
                "categoryId": glow_category_id,
                "name": "Facial",
                "durationMinutes": 30,
                "priceCents": 100,
            }
        },
    )

    assert _errors(answer, "createService") == {"categoryId": "CATEGORY_NOT_FOUND"}
    assert not _on(radiance, Service.objects.exists)
    assert not _on(glow, Service.objects.exists)


def test_update_service_changes_only_the_given_fields(glow, signed_in):
    service = _on(glow, lambda: ServiceFactory.create(name="Botox", price_cents=30000))
    service_id = _on(glow, lambda: to_global_id("Service", service.pk))
    client = signed_in(glow, "manager")

    changed = client.graphql(UPDATE_SERVICE, {"id": service_id, "input": {"priceCents": 32000}})
    deactivated = client.graphql(
        UPDATE_SERVICE, {"id": service_id, "input": {"isActive": False, "name": None}}
    )

    assert changed.data["updateService"] == {
        "errors": [],
        "service": {"name": "Botox", "priceCents": 32000, "isActive": True},
    }
    assert deactivated.data["updateService"]["service"] == {
        "name": "Botox",
        "priceCents": 32000,
        "isActive": False,
    }


def test_a_failed_update_changes_nothing(glow, signed_in):
    service = _on(glow, lambda: ServiceFactory.create(name="Botox", price_cents=30000))
    service_id = _on(glow, lambda: to_global_id("Service", service.pk))

    answer = signed_in(glow, "manager").graphql(
        UPDATE_SERVICE,
        {"id": service_id, "input": {"name": "Dysport", "durationMinutes": 1000}},
    )

    assert _errors(answer, "updateService") == {"durationMinutes": "DURATION_INVALID"}
    assert _on(glow, lambda: Service.objects.get().name) == "Botox"


def test_category_mutations_refuse_a_taken_name(glow, signed_in):
    _on(glow, lambda: ServiceCategoryFactory.create(name="Injectables"))
    laser = _on(glow, lambda: ServiceCategoryFactory.create(name="Laser"))
    laser_id = _on(glow, lambda: to_global_id("ServiceCategory", laser.pk))
    client = signed_in(glow, "manager")

    created = client.graphql(CATEGORY, {"input": {"name": "injectables"}})
    renamed = client.graphql(UPDATE_CATEGORY, {"id": laser_id, "input": {"name": "INJECTABLES"}})
    bad = client.graphql(CATEGORY, {"input": {"name": "Peels", "displayOrder": -1}})

    assert _errors(created, "createServiceCategory") == {"name": "NAME_TAKEN"}
    assert _errors(renamed, "updateServiceCategory") == {"name": "NAME_TAKEN"}
    assert _errors(bad, "createServiceCategory") == {"displayOrder": "DISPLAY_ORDER_INVALID"}
    assert _on(glow, lambda: sorted(ServiceCategory.objects.values_list("name", flat=True))) == [
        "Injectables",
        "Laser",
    ]


def test_product_mutations(glow, signed_in):
    _on(glow, lambda: ProductFactory.create(sku="GAUZE-100"))
    client = signed_in(glow, "owner")

    created = client.graphql(
        PRODUCT,
        {"input": {"name": "Syringe", "sku": "SYR-1", "kind": "SUPPLY", "priceCents": 50}},
    ).data["createProduct"]
    duplicate = client.graphql(
        PRODUCT,
        {"input": {"name": "Gauze", "sku": "gauze-100", "kind": "SUPPLY", "priceCents": 10}},
    )
    bad = client.graphql(
        PRODUCT,
        {
            "input": {
                "name": "Serum",
                "sku": "no spaces",
                "kind": "RETAIL",
                "priceCents": -1,
                "currency": "yen",
            }
        },
    )
    updated = client.graphql(
        UPDATE_PRODUCT,
        {"id": created["product"]["id"], "input": {"priceCents": 60, "isActive": False}},
    )

    assert created["product"] | {"id": None} == {
        "id": None,
        "name": "Syringe",
        "sku": "SYR-1",
        "kind": "SUPPLY",
        "priceCents": 50,
        "currency": "USD",
    }
    assert _errors(duplicate, "createProduct") == {"sku": "SKU_TAKEN"}
    assert _errors(bad, "createProduct") == {
        "sku": "SKU_INVALID",
        "priceCents": "PRICE_NEGATIVE",
        "currency": "CURRENCY_INVALID",
    }
    assert updated.data["updateProduct"] == {
        "errors": [],
        "product": {"sku": "SYR-1", "priceCents": 60, "isActive": False},
    }
    assert _on(glow, Product.objects.count) == 2


@pytest.mark.parametrize("role", ["provider", "front_desk"])
def test_providers_and_front_desk_may_not_change_the_catalog(glow, signed_in, role):
    service = _on(glow, lambda: ServiceFactory.create(price_cents=30000))
    service_id = _on(glow, lambda: to_global_id("Service", service.pk))
    client = signed_in(glow, role)

    update = client.graphql(UPDATE_SERVICE, {"id": service_id, "input": {"priceCents": 1}})
    create = client.graphql(CATEGORY, {"input": {"name": "Mine"}})

    assert update.error_codes == ["FORBIDDEN"]
    assert create.error_codes == ["FORBIDDEN"]
    assert _on(glow, lambda: Service.objects.get().price_cents) == 30000
    assert _on(glow, ServiceCategory.objects.count) == 1


@pytest.mark.parametrize(
    ("factory", "type_name", "mutation", "document"),
    [
        (ServiceCategoryFactory, "ServiceCategory", "updateServiceCategory", UPDATE_CATEGORY),
        (ServiceFactory, "Service", "updateService", UPDATE_SERVICE),
        (ProductFactory, "Product", "updateProduct", UPDATE_PRODUCT),
    ],
)
def test_an_update_with_another_spas_id_is_not_found_and_changes_nothing(
    glow, radiance, signed_in, factory, type_name, mutation, document
):
    mine = _on(glow, lambda: factory.create(name="Glow's"))
    # the same row number in the other schema, so only the spa in the ID tells them apart
    _on(radiance, lambda: factory.create(pk=mine.pk, name="Radiance's"))
    glow_id = _on(glow, lambda: to_global_id(type_name, mine.pk))

    answer = signed_in(radiance, "owner").graphql(
        document, {"id": glow_id, "input": {"name": "Hijacked", "isActive": False}}
    )

    assert _errors(answer, mutation) == {"id": "NOT_FOUND"}
    model = factory._meta.model
    assert _on(glow, lambda: model.objects.get().name) == "Glow's"
    assert _on(radiance, lambda: model.objects.get().name) == "Radiance's"
    assert _on(radiance, lambda: model.objects.get().is_active)
