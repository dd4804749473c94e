import graphene
from graphene import relay

from core.graphql.arguments import enum_value
from core.graphql.pagination import Keyset, paginate
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import MEMBERS, permission
from tenant_apps.catalog.graphql.types import (
    ProductConnection,
    ProductKindEnum,
    ProductOrderBy,
    ServiceCategoryConnection,
    ServiceCategoryOrderBy,
    ServiceConnection,
    ServiceOrderBy,
)
from tenant_apps.catalog.selectors import product_list, service_category_list, service_list

CATEGORY_ORDERS = {
    "display_order": Keyset("service-categories-by-display-order", ("display_order", "name", "id")),
    "name": Keyset("service-categories-by-name", ("name", "id")),
}
SERVICE_ORDERS = {
    "display_order": Keyset("services-by-display-order", ("display_order", "name", "id")),
    "name": Keyset("services-by-name", ("name", "id")),
    "price": Keyset("services-by-price", ("price_cents", "name", "id")),
}
PRODUCT_ORDERS = {
    "name": Keyset("products-by-name", ("name", "id")),
    "price": Keyset("products-by-price", ("price_cents", "name", "id")),
    "sku": Keyset("products-by-sku", ("sku", "id")),
}

_ACTIVE = "True: only those offered; false: only those taken off; null: all."


def _keyset(orders: dict[str, Keyset], order_by, default: str) -> Keyset:
    # An explicit `orderBy: null` gets the default ordering, as leaving it out does.
    return orders[enum_value(order_by) or default]


class CatalogQueries(graphene.ObjectType):
    service_categories = relay.ConnectionField(
        ServiceCategoryConnection,
        active=graphene.Boolean(description=_ACTIVE),
        order_by=ServiceCategoryOrderBy(default_value=ServiceCategoryOrderBy.DISPLAY_ORDER),
        description="The headings of the service menu.",
    )
    services = relay.ConnectionField(
        ServiceConnection,
        category_id=graphene.ID(description="Only this category's services."),
        active=graphene.Boolean(description=_ACTIVE),
        bookable_online=graphene.Boolean(
            description="True: only those clients may book themselves; false: only the others."
        ),
        search=graphene.String(description="Part of the name, in any case."),
        order_by=ServiceOrderBy(default_value=ServiceOrderBy.DISPLAY_ORDER),
        description="The services the spa offers.",
    )
    products = relay.ConnectionField(
        ProductConnection,
        kind=ProductKindEnum(),
        active=graphene.Boolean(description=_ACTIVE),
        search=graphene.String(description="Part of the name or of the SKU, in any case."),
        order_by=ProductOrderBy(default_value=ProductOrderBy.NAME),
        description="Retail products and medical supplies.",
    )

    @staticmethod
    @permission(MEMBERS)
    def resolve_service_categories(root, info, order_by=None, active=None, **page):
        return paginate(
            service_category_list(active=active),
            connection_type=ServiceCategoryConnection,
            keyset=_keyset(CATEGORY_ORDERS, order_by, "display_order"),
            **page,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_services(
        root,
        info,
        order_by=None,
        category_id=None,
        active=None,
        bookable_online=None,
        search=None,
        **page,
    ):
        category_pk = None
        if category_id is not None:
            category_pk = pk_from_global_id(category_id, "ServiceCategory")
        services = service_list(
            category_id=category_pk, active=active, bookable_online=bookable_online, search=search
        )
        if category_id is not None and category_pk is None:
            # Another spa's category (or no ID at all) has no services here.
            services = services.none()
        return paginate(
            services,
            connection_type=ServiceConnection,
            keyset=_keyset(SERVICE_ORDERS, order_by, "display_order"),
            **page,
        )

    @staticmethod
    @permission(MEMBERS)
    def resolve_products(root, info, order_by=None, kind=None, active=None, search=None, **page):
        return paginate(
            product_list(kind=enum_value(kind), active=active, search=search),
            connection_type=ProductConnection,
            keyset=_keyset(PRODUCT_ORDERS, order_by, "name"),
            **page,
        )
