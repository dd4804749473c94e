"""Global IDs of the team API's records, as a spa's API mints them."""

from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id


def global_id(spa, type_name: str, pk: int) -> str:
    """The ID `spa`'s API gives the `type_name` row `pk` (Member, Invitation)."""
    with tenant_context(spa):
        return to_global_id(type_name, pk)
