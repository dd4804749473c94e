"""Managing the catalog: owners and managers create and change categories,
services and products. Nothing is deleted; `isActive: false` takes a record off
the menu and keeps it for the appointments and sales that name it.

Updates change only the input fields given; a field given as null is left as it is.
"""

from typing import Any

import graphene

from core.graphql.arguments import given_fields, record_pk
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MANAGERS
from tenant_apps.catalog import services
from tenant_apps.catalog.errors import CatalogErrorCode
from tenant_apps.catalog.graphql.types import (
    CatalogError,
    CredentialEnum,
    ProductKindEnum,
    ProductNode,
    ServiceCategoryNode,
    ServiceNode,
)


def _arguments(input: Any) -> dict[str, Any]:
    """An input object as service arguments: the fields given (`given_fields`),
    global IDs decoded (None when they name nothing in this spa)."""
    arguments = given_fields(input)
    if "category_id" in arguments:
        arguments["category_id"] = pk_from_global_id(arguments["category_id"], "ServiceCategory")
    if "required_resource_type_ids" in arguments:
        arguments["required_resource_type_ids"] = [
            pk_from_global_id(value, "ResourceType")
            for value in arguments["required_resource_type_ids"]
        ]
    return arguments


class CatalogMutation(SpaMutation):
    class Meta:
        abstract = True

    error_codes = frozenset(CatalogErrorCode)
    errors = graphene.List(graphene.NonNull(CatalogError), required=True)


# Inputs. An update input makes every field optional; its create input extends it
# and requires what a record cannot do without.

_NAME = "Unique, ignoring case (services: within their category)."
_DISPLAY_ORDER = "Lower numbers come first on menus; new records: 0."
_IS_ACTIVE = "False takes it off the menu; new records: true."
_PRICE = "In the currency's cents, 0 or more."
_CURRENCY = "ISO 4217: USD, CAD, GBP, EUR or AUD; new records: USD."
_DURATION = "Time with the client, 1 to 720 minutes."
_SKU = "Unique, ignoring case: letters, digits, '.', '_', '/', '-'."


class UpdateServiceCategoryInput(graphene.InputObjectType):
    """The fields of a service category to change."""

    name = graphene.String(description=_NAME)
    description = graphene.String()
    display_order = graphene.Int(description=_DISPLAY_ORDER)
    is_active = graphene.Boolean(description=_IS_ACTIVE)


class CreateServiceCategoryInput(UpdateServiceCategoryInput):
    """A new service category."""

    name = graphene.String(required=True, description=_NAME)


class UpdateServiceInput(graphene.InputObjectType):
    """The fields of a service to change. Lists given replace the old ones whole."""

    category_id = graphene.ID(description="Its ServiceCategory.")
    name = graphene.String(description=_NAME)
    description = graphene.String()
    duration_minutes = graphene.Int(description=_DURATION)
    buffer_before_minutes = graphene.Int(description="0 to 240 minutes; new services: 0.")
    buffer_after_minutes = graphene.Int(description="0 to 240 minutes; new services: 0.")
    price_cents = graphene.Int(description=_PRICE)
    currency = graphene.String(description=_CURRENCY)
    required_credentials = graphene.List(
        graphene.NonNull(CredentialEnum),
        description="A provider needs one of these to perform it; empty: anyone may.",
    )
    required_resource_type_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="ResourceType IDs: the kinds of room or device it needs.",
    )
    is_bookable_online = graphene.Boolean(
        description="Clients may book it themselves; new services: true."
    )
    is_active = graphene.Boolean(description=_IS_ACTIVE)
    display_order = graphene.Int(description=_DISPLAY_ORDER)


class CreateServiceInput(UpdateServiceInput):
    """A new service."""

    category_id = graphene.ID(required=True, description="Its ServiceCategory.")
    name = graphene.String(required=True, description=_NAME)
    duration_minutes = graphene.Int(required=True, description=_DURATION)
    price_cents = graphene.Int(required=True, description=_PRICE)


class UpdateProductInput(graphene.InputObjectType):
    """The fields of a product to change."""

    name = graphene.String()
    sku = graphene.String(description=_SKU)
    kind = ProductKindEnum()
    description = graphene.String()
    price_cents = graphene.Int(description=_PRICE)
    currency = graphene.String(description=_CURRENCY)
    is_active = graphene.Boolean(description="False stops its sale; new products: true.")


class CreateProductInput(UpdateProductInput):
    """A new product."""

    name = graphene.String(required=True)
    sku = graphene.String(required=True, description=_SKU)
    kind = ProductKindEnum(required=True)
    price_cents = graphene.Int(required=True, description=_PRICE)


# Mutations


class CreateServiceCategory(CatalogMutation):
    """Add a heading to the service menu."""

    permission = MANAGERS

    class Arguments:
        input = CreateServiceCategoryInput(required=True)

    service_category = graphene.Field(ServiceCategoryNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        category = services.service_category_create(**_arguments(input))
        return cls(service_category=category)


class UpdateServiceCategory(CatalogMutation):
    """Change a category; `isActive: false` takes it (not its services) off the menu."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateServiceCategoryInput(required=True)

    service_category = graphene.Field(ServiceCategoryNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        category = services.service_category_update(
            category_id=record_pk(id, "ServiceCategory"), **_arguments(input)
        )
        return cls(service_category=category)


class CreateService(CatalogMutation):
    """Add a service to a category."""

    permission = MANAGERS

    class Arguments:
        input = CreateServiceInput(required=True)

    service = graphene.Field(ServiceNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(service=services.service_create(**_arguments(input)))


class UpdateService(CatalogMutation):
    """Change a service; lists given replace the old ones whole."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateServiceInput(required=True)

    service = graphene.Field(ServiceNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        service = services.service_update(service_id=record_pk(id, "Service"), **_arguments(input))
        return cls(service=service)


class CreateProduct(CatalogMutation):
    """Add a retail product or a medical supply."""

    permission = MANAGERS

    class Arguments:
        input = CreateProductInput(required=True)

    product = graphene.Field(ProductNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, input):
        return cls(product=services.product_create(**_arguments(input)))


class UpdateProduct(CatalogMutation):
    """Change a product; `isActive: false` stops its sale."""

    permission = MANAGERS

    class Arguments:
        id = graphene.ID(required=True)
        input = UpdateProductInput(required=True)

    product = graphene.Field(ProductNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        product = services.product_update(product_id=record_pk(id, "Product"), **_arguments(input))
        return cls(product=product)


class CatalogMutations(graphene.ObjectType):
    create_service_category = CreateServiceCategory.Field()
    update_service_category = UpdateServiceCategory.Field()
    create_service = CreateService.Field()
    update_service = UpdateService.Field()
    create_product = CreateProduct.Field()
    update_product = UpdateProduct.Field()
