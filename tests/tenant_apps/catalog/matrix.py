"""This app's rows of the role matrix (tests/shared_apps/accounts/test_permissions.py):
root field -> (a document exercising it, who may run it)."""

from shared_apps.accounts.permissions import MANAGERS, MEMBERS, Permission

# The update documents name no record: allowed callers get a NOT_FOUND payload,
# which is enough to show the permission let them in.
MATRIX: dict[str, tuple[str, Permission]] = {
    "serviceCategories": ("{ serviceCategories(first: 5) { edges { node { id } } } }", MEMBERS),
    "services": ("{ services(first: 5) { edges { node { id } } } }", MEMBERS),
    "products": ("{ products(first: 5) { edges { node { id } } } }", MEMBERS),
    "createServiceCategory": (
        'mutation { createServiceCategory(input: {name: "Injectables"}) { errors { code } } }',
        MANAGERS,
    ),
    "updateServiceCategory": (
        'mutation { updateServiceCategory(id: "eA", input: {name: "X"}) { errors { code } } }',
        MANAGERS,
    ),
    "createService": (
        'mutation { createService(input: {categoryId: "eA", name: "Botox", durationMinutes: 30, priceCents: 1000}) { errors { code } } }',
        MANAGERS,
    ),
    "updateService": (
        'mutation { updateService(id: "eA", input: {priceCents: 1}) { errors { code } } }',
        MANAGERS,
    ),
    "createProduct": (
        'mutation { createProduct(input: {name: "Serum", sku: "SER-1", kind: RETAIL, priceCents: 4500}) { errors { code } } }',
        MANAGERS,
    ),
    "updateProduct": (
        'mutation { updateProduct(id: "eA", input: {priceCents: 1}) { errors { code } } }',
        MANAGERS,
    ),
}
