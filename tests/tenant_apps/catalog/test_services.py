"""Catalog writes: checked arguments, every error at once, partial updates."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.test.utils import CaptureQueriesContext

from tenant_apps.catalog.models import Product, Service, ServiceCategory
from tenant_apps.catalog.services import (
    product_create,
    product_update,
    service_category_create,
    service_category_update,
    service_create,
    service_update,
)
from tenant_apps.locations.models import ResourceKind, ResourceType
from tenants.db import connection
from tenants.models import Spa
from tests.tenant_apps.catalog.factories import (
    ProductFactory,
    ServiceCategoryFactory,
    ServiceFactory,
)


def _codes(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, str | None]:
    return {field: errors[0].code for field, errors in error.value.error_dict.items()}


@pytest.mark.spa("glow")
def test_create_a_service_with_its_requirements():
    category = service_category_create(name="  Injectables ", description="Neurotoxins")
    laser = ResourceType.objects.create(name="CO2 laser", kind=ResourceKind.DEVICE)
    room = ResourceType.objects.create(name="Treatment room", kind=ResourceKind.ROOM)

    service = service_create(
        category_id=category.pk,
        name="Botox  forehead",
        duration_minutes=30,
        buffer_after_minutes=10,
        price_cents=35000,
        currency="cad",
        required_credentials=["MD", "RN", "RN"],
        required_resource_type_ids=[laser.pk, room.pk, room.pk],
    )

    service.refresh_from_db()
    assert category.name == "Injectables"
    assert service.name == "Botox forehead"
    assert (service.duration_minutes, service.buffer_before_minutes) == (30, 0)
    assert (service.price_cents, service.currency) == (35000, "CAD")
    # once each, in the credentials' declared order
    assert service.required_credentials == ["RN", "MD"]
    assert set(service.required_resource_types.all()) == {laser, room}
    assert service.is_bookable_online and service.is_active


@pytest.mark.spa("glow")
def test_bad_service_arguments_are_refused_together_and_nothing_is_saved():
    with pytest.raises(ValidationError) as error:
        service_create(
            category_id=None,
            name="  ",
            duration_minutes=0,
            buffer_before_minutes=-5,
            buffer_after_minutes=241,
            price_cents=-1,
            currency="XYZ",
            required_credentials=["RN", "WIZARD"],
            required_resource_type_ids=[None],
            display_order=-1,
            description="x" * 2001,
        )

    assert _codes(error) == {
        "category_id": "CATEGORY_NOT_FOUND",
        "name": "NAME_REQUIRED",
        "duration_minutes": "DURATION_INVALID",
        "buffer_before_minutes": "BUFFER_INVALID",
        "buffer_after_minutes": "BUFFER_INVALID",
        "price_cents": "PRICE_NEGATIVE",
        "currency": "CURRENCY_INVALID",
        "required_credentials": "CREDENTIAL_UNKNOWN",
        "required_resource_type_ids": "RESOURCE_TYPE_NOT_FOUND",
        "display_order": "DISPLAY_ORDER_INVALID",
        "description": "DESCRIPTION_TOO_LONG",
    }
    assert not Service.objects.exists()


@pytest.mark.spa("glow")
@pytest.mark.parametrize(("minutes", "valid"), [(1, True), (720, True), (0, False), (721, False)])
def test_duration_bounds(minutes, valid):
    category = ServiceCategoryFactory.create()

    def create():
        return service_create(
            category_id=category.pk, name="Facial", duration_minutes=minutes, price_cents=0
        )

    if valid:
        assert create().duration_minutes == minutes
    else:
        with pytest.raises(ValidationError) as error:
            create()
        assert _codes(error) == {"duration_minutes": "DURATION_INVALID"}


@pytest.mark.spa("glow")
def test_update_changes_only_the_given_fields():
    laser = ResourceType.objects.create(name="CO2 laser", kind=ResourceKind.DEVICE)
    service = ServiceFactory.create(
        name="Laser resurfacing",
        description="Full face",
        required_credentials=["MD"],
        required_resource_types=[laser],
    )
    other = ServiceCategoryFactory.create(name="Laser")

    updated = service_update(service_id=service.pk, price_cents=99000, category_id=other.pk)

    updated.refresh_from_db()
    assert updated.price_cents == 99000
    assert updated.category == other
    assert updated.description == "Full face"
    assert updated.required_credentials == ["MD"]
    assert list(updated.required_resource_types.all()) == [laser]
    # lists are replaced whole; an empty one clears
    service_update(service_id=service.pk, required_credentials=[], required_resource_type_ids=[])
    updated.refresh_from_db()
    assert updated.required_credentials == []
    assert not updated.required_resource_types.exists()


def _updates(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]


@pytest.mark.spa("glow")
def test_an_update_writes_only_the_fields_that_changed():
    service = ServiceFactory.create(name="Peel", price_cents=5000, display_order=3)

    with CaptureQueriesContext(connection) as same:
        service_update(service_id=service.pk, name="Peel", display_order=3)
    with CaptureQueriesContext(connection) as changed:
        service_update(service_id=service.pk, name="Peel", price_cents=6000, display_order=3)

    assert _updates(same) == []
    [update] = _updates(changed)
    assert update.split(" WHERE ")[0].split(" SET ")[1].count("=") == 2  # price, updated_at
    assert '"price_cents" = 6000' in update and '"updated_at"' in update
    service.refresh_from_db()
    assert (service.name, service.price_cents, service.display_order) == ("Peel", 6000, 3)


@pytest.mark.spa("glow")
def test_a_failed_update_changes_nothing():
    service = ServiceFactory.create(price_cents=5000)

    with pytest.raises(ValidationError) as error:
        service_update(service_id=service.pk, price_cents=7000, currency="usd!")

    assert _codes(error) == {"currency": "CURRENCY_INVALID"}
    service.refresh_from_db()
    assert (service.price_cents, service.currency) == (5000, "USD")


@pytest.mark.spa("glow")
def test_update_of_a_missing_record_is_not_found():
    for update, id_argument in [
        (service_category_update, "category_id"),
        (service_update, "service_id"),
        (product_update, "product_id"),
    ]:
        with pytest.raises(ValidationError) as error:
            update(**{id_argument: 999_999}, name="X")
        assert _codes(error) == {"id": "NOT_FOUND"}


@pytest.mark.spa("glow")
def test_names_are_unique_ignoring_case():
    injectables = service_category_create(name="Injectables")
    ServiceFactory.create(category=injectables, name="Consultation")
    laser = ServiceCategoryFactory.create(name="Laser")

    with pytest.raises(ValidationError) as category_error:
        service_category_create(name="INJECTABLES")
    with pytest.raises(ValidationError) as service_error:
        service_create(
            category_id=injectables.pk, name="consultation", duration_minutes=15, price_cents=0
        )
    # another category may have a service of the same name
    other = service_create(
        category_id=laser.pk, name="Consultation", duration_minutes=15, price_cents=0
    )
    with pytest.raises(ValidationError) as move_error:
        service_update(service_id=other.pk, category_id=injectables.pk)

    assert _codes(category_error) == {"name": "NAME_TAKEN"}
    assert _codes(service_error) == {"name": "NAME_TAKEN"}
    assert _codes(move_error) == {"name": "NAME_TAKEN"}
    # renaming a record to its own name (another case) is no clash
    assert service_category_update(category_id=injectables.pk, name="INJECTABLES").name == (
        "INJECTABLES"
    )


@pytest.mark.spa("glow")
def test_deactivating_keeps_the_record():
    category = ServiceCategoryFactory.create()
    product = ProductFactory.create()

    service_category_update(category_id=category.pk, is_active=False)
    product_update(product_id=product.pk, is_active=False)

    assert not ServiceCategory.objects.get(pk=category.pk).is_active
    assert not Product.objects.get(pk=product.pk).is_active


@pytest.mark.spa("glow")
def test_product_create_and_sku_rules():
    serum = product_create(name="Vitamin C serum", sku="VC-30ml", kind="retail", price_cents=6500)

    with pytest.raises(ValidationError) as taken:
        product_create(name="Other serum", sku="vc-30ML", kind="retail", price_cents=100)
    with pytest.raises(ValidationError) as invalid:
        product_create(name="", sku="-bad sku", kind="toy", price_cents=-5, currency="JPY")

    assert (serum.sku, serum.kind, serum.currency) == ("VC-30ml", "retail", "USD")
    assert _codes(taken) == {"sku": "SKU_TAKEN"}
    assert _codes(invalid) == {
        "name": "NAME_REQUIRED",
        "sku": "SKU_INVALID",
        "kind": "KIND_INVALID",
        "price_cents": "PRICE_NEGATIVE",
        "currency": "CURRENCY_INVALID",
    }
    assert Product.objects.count() == 1


@pytest.mark.spa("glow")
def test_product_update_keeps_its_own_sku_and_refuses_anothers():
    ProductFactory.create(sku="GAUZE-100")
    product = ProductFactory.create(sku="SYR-1ML", kind="supply")

    assert product_update(product_id=product.pk, sku="syr-1ml").sku == "syr-1ml"
    with pytest.raises(ValidationError) as error:
        product_update(product_id=product.pk, sku="gauze-100", price_cents=1)

    assert _codes(error) == {"sku": "SKU_TAKEN"}
    product.refresh_from_db()
    assert (product.sku, product.price_cents) == ("syr-1ml", 2500)


def _commit_once_waited_on(other, pid: int, waited: list[bool]) -> None:
    """Commit `other`'s transaction as soon as backend `pid` waits for one of its locks."""
    deadline = time.monotonic() + 10
    with other.cursor() as cursor:
        while time.monotonic() < deadline and not waited:
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                waited.append(True)
            time.sleep(0.02)
    other.commit()


def test_a_name_taken_by_a_concurrent_write_is_name_taken(committing):
    """The check before the insert cannot see another transaction's uncommitted
    row; the unique index then makes our insert wait for it and fail, and the
    service reports NAME_TAKEN rather than a server error."""
    glow = Spa.objects.get(slug="glow")
    connection.set_tenant(glow)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (our_pid,) = cursor.fetchone()
    other = connection.get_new_connection(connection.get_connection_params())
    waited = []
    try:
        with other.cursor() as cursor:
            cursor.execute(f'SET search_path TO "{glow.schema_name}"')
            cursor.execute(
                "INSERT INTO catalog_servicecategory (name, description, display_order, is_active)"
                " VALUES ('Peels', '', 0, true)"
            )
        committer = threading.Thread(target=_commit_once_waited_on, args=(other, our_pid, waited))
        committer.start()

        with pytest.raises(ValidationError) as error:
            service_category_create(name="PEELS")

        committer.join()
        assert waited == [True]
        assert _codes(error) == {"name": "NAME_TAKEN"}
        assert list(ServiceCategory.objects.values_list("name", flat=True)) == ["Peels"]
    finally:
        other.close()
        connection.set_tenant(glow)
        ServiceCategory.objects.filter(name__iexact="peels").delete()
