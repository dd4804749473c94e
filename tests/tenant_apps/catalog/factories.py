"""factory_boy factories for catalog records (create them with the connection on a spa)."""

import factory

from tenant_apps.catalog.models import Product, ProductKind, Service, ServiceCategory


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCategory

    name = factory.Sequence(lambda n: f"Category {n:03}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    category = factory.SubFactory(ServiceCategoryFactory)
    name = factory.Sequence(lambda n: f"Service {n:03}")
    duration_minutes = 30
    price_cents = 10000

    @factory.post_generation
    def required_resource_types(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.required_resource_types.set(extracted)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n:03}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05}")
    kind = ProductKind.RETAIL
    price_cents = 2500
