"""The catalog in the spa API: service categories, services and products.

Prices are `priceCents` (an integer in the currency's minor unit) with a
`currency` (ISO 4217), the same way in every type and input.
"""

from typing import ClassVar

import graphene
from django.db.models import Choices
from graphene_django import DjangoObjectType

from core.graphql.mutations import error_type
from core.graphql.pagination import CountableConnection
from core.graphql.relay import SpaNode
from tenant_apps.catalog.errors import CatalogErrorCode
from tenant_apps.catalog.models import Product, ProductKind, Service, ServiceCategory
from tenant_apps.locations.graphql.types import ResourceTypeNode
from tenant_apps.staff.graphql.types import CredentialEnum

CatalogErrorCodeEnum, CatalogError = error_type("Catalog", CatalogErrorCode)


def _described_by_labels(type_description: str):
    """An enum description: the type's for the type, each value's label for the value."""

    def describe(value: Choices | None) -> str:
        return type_description if value is None else str(value.label)

    return describe


ProductKindEnum = graphene.Enum.from_enum(
    ProductKind,
    name="ProductKind",
    description=_described_by_labels("Sold over the counter, or used in treatments."),
)


class ServiceCategoryNode(DjangoObjectType):
    """A heading of the service menu ("Injectables", "Laser")."""

    class Meta:
        model = ServiceCategory
        name = "ServiceCategory"
        interfaces = (SpaNode,)
        fields = ("name", "description", "display_order", "is_active")

    name = graphene.String(required=True, description="Unique in the spa, ignoring case.")
    description = graphene.String(required=True, description="Shown on menus; may be empty.")
    display_order = graphene.Int(required=True, description="Lower numbers come first on menus.")
    is_active = graphene.Boolean(
        required=True, description="False: kept for the record, but not offered."
    )


class ServiceNode(DjangoObjectType):
    """A treatment clients book: how long it takes, what it costs, who may perform it
    and which kinds of room or device it needs."""

    class Meta:
        model = Service
        name = "Service"
        interfaces = (SpaNode,)
        fields = (
            "category",
            "name",
            "description",
            "duration_minutes",
            "buffer_before_minutes",
            "buffer_after_minutes",
            "price_cents",
            "currency",
            "is_bookable_online",
            "is_active",
            "display_order",
            "created_at",
            "updated_at",
        )

    category = graphene.Field(ServiceCategoryNode, required=True, description="Its menu heading.")
    name = graphene.String(required=True, description="Unique in its category, ignoring case.")
    description = graphene.String(required=True, description="Shown on menus; may be empty.")
    duration_minutes = graphene.Int(required=True, description="Time with the client.")
    buffer_before_minutes = graphene.Int(
        required=True, description="Preparation time blocked before each appointment."
    )
    buffer_after_minutes = graphene.Int(
        required=True, description="Clean-up time blocked after each appointment."
    )
    price_cents = graphene.Int(required=True, description="The price in the currency's cents.")
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. USD.")
    required_credentials = graphene.List(
        graphene.NonNull(CredentialEnum),
        required=True,
        description="A provider needs one of these to perform it; empty: anyone may.",
    )
    required_resource_types = graphene.List(
        graphene.NonNull(ResourceTypeNode),
        required=True,
        description="Kinds of room or device it needs, one of each, by name.",
    )
    is_bookable_online = graphene.Boolean(
        required=True, description="Clients may book it themselves on the booking page."
    )
    is_active = graphene.Boolean(
        required=True, description="False: kept for the record, but not offered."
    )
    display_order = graphene.Int(
        required=True, description="Lower numbers come first within the category."
    )
    created_at = graphene.DateTime(required=True, description="When it was added.")
    updated_at = graphene.DateTime(required=True, description="When it last changed.")

    # What the resolvers read (core/graphql/projection.py).
    column_reads: ClassVar[dict[str, tuple[str, ...]]] = {
        "required_credentials": ("required_credentials",),
        "required_resource_types": (),
    }

    @staticmethod
    def resolve_required_credentials(root, info):
        return root.required_credentials

    @staticmethod
    def resolve_required_resource_types(root, info):
        # Lists load these with prefetch_related (selectors.service_list).
        return root.required_resource_types.all()


class ProductNode(DjangoObjectType):
    """Something the spa sells over the counter (retail) or uses in treatments
    (medical supply)."""

    class Meta:
        model = Product
        name = "Product"
        interfaces = (SpaNode,)
        fields = ("name", "sku", "description", "price_cents", "currency", "is_active")

    name = graphene.String(required=True, description="As staff and clients see it.")
    sku = graphene.String(required=True, description="Stock keeping unit, unique ignoring case.")
    kind = graphene.Field(
        ProductKindEnum, required=True, description="Sold over the counter, or a supply."
    )
    description = graphene.String(required=True, description="May be empty.")
    price_cents = graphene.Int(required=True, description="The price in the currency's cents.")
    currency = graphene.String(required=True, description="ISO 4217 code, e.g. USD.")
    is_active = graphene.Boolean(
        required=True, description="False: kept for the record, but not sold."
    )

    @staticmethod
    def resolve_kind(root, info):
        return root.kind


class ServiceCategoryConnection(CountableConnection):
    class Meta:
        node = ServiceCategoryNode


class ServiceConnection(CountableConnection):
    class Meta:
        node = ServiceNode


class ProductConnection(CountableConnection):
    class Meta:
        node = ProductNode


class ServiceCategoryOrderBy(graphene.Enum):
    """How to order service categories."""

    DISPLAY_ORDER = "display_order"
    NAME = "name"

    @property
    def description(self):
        return {
            ServiceCategoryOrderBy.DISPLAY_ORDER: "By display order, then name (menus).",
            ServiceCategoryOrderBy.NAME: "By name.",
        }.get(self)


class ServiceOrderBy(graphene.Enum):
    """How to order services."""

    DISPLAY_ORDER = "display_order"
    NAME = "name"
    PRICE = "price"

    @property
    def description(self):
        return {
            ServiceOrderBy.DISPLAY_ORDER: "By display order, then name (menus).",
            ServiceOrderBy.NAME: "By name.",
            ServiceOrderBy.PRICE: "Cheapest first, then by name.",
        }.get(self)


class ProductOrderBy(graphene.Enum):
    """How to order products."""

    NAME = "name"
    PRICE = "price"
    SKU = "sku"

    @property
    def description(self):
        return {
            ProductOrderBy.NAME: "By name.",
            ProductOrderBy.PRICE: "Cheapest first, then by name.",
            ProductOrderBy.SKU: "By SKU.",
        }.get(self)
