"""The role matrix: every root field of the spa API, for every kind of caller."""

import pytest
from graphene.utils.str_converters import to_snake_case
from graphql import GraphQLNonNull

from config.schema_tenant import schema
from core.graphql.mutations import SpaMutation
from shared_apps.accounts.models import Role
from shared_apps.accounts.permissions import ANYONE, MANAGERS, MEMBERS, Permission
from tests.shared_apps.accounts.ids import global_id
from tests.shared_apps.billing.matrix import MATRIX as BILLING_MATRIX
from tests.tenant_apps.audit.matrix import MATRIX as AUDIT_MATRIX
from tests.tenant_apps.catalog.matrix import MATRIX as CATALOG_MATRIX
from tests.tenant_apps.clients.matrix import MATRIX as CLIENTS_MATRIX
from tests.tenant_apps.forms.matrix import ANSWERS_NULL_WHEN_ALLOWED as FORMS_NULL
from tests.tenant_apps.forms.matrix import MATRIX as FORMS_MATRIX
from tests.tenant_apps.locations.matrix import MATRIX as LOCATIONS_MATRIX
from tests.tenant_apps.messaging.matrix import MATRIX as MESSAGING_MATRIX
from tests.tenant_apps.photos.matrix import ANSWERS_NULL_WHEN_ALLOWED as PHOTOS_NULL
from tests.tenant_apps.photos.matrix import MATRIX as PHOTOS_MATRIX
from tests.tenant_apps.profile.matrix import MATRIX as PROFILE_MATRIX
from tests.tenant_apps.scheduling.matrix import MATRIX as SCHEDULING_MATRIX
from tests.tenant_apps.staff.matrix import MATRIX as STAFF_MATRIX
from tests.tenant_apps.treatment.matrix import MATRIX as TREATMENT_MATRIX

ALL_ROLES = [Role.OWNER, Role.MANAGER, Role.PROVIDER, Role.FRONT_DESK]

# Each root field with a document exercising it and who may run it. A field
# missing here fails test_every_root_field_is_in_the_matrix.
MATRIX: dict[str, tuple[str, Permission]] = {
    "spa": ("{ spa { slug } }", ANYONE),
    "me": ("{ me { role } }", MEMBERS),
    "node": ('{ node(id: "eA") { id } }', MEMBERS),
    "members": ("{ members(first: 5) { edges { node { name } } } }", MEMBERS),
    "invitations": ("{ invitations(first: 5) { edges { node { email } } } }", MANAGERS),
    "login": ('mutation { login(email: "a@b.example", password: "x") { token } }', ANYONE),
    "logout": ("mutation { logout { errors { code } } }", MEMBERS),
    "logoutEverywhere": ("mutation { logoutEverywhere { revoked } }", MEMBERS),
    "updateMe": ('mutation { updateMe(name: "New Name") { errors { code } } }', MEMBERS),
    "changePassword": (
        'mutation { changePassword(currentPassword: "x", newPassword: "y") { errors { code } } }',
        MEMBERS,
    ),
    "requestPasswordReset": (
        'mutation { requestPasswordReset(email: "a@b.example") { errors { code } } }',
        ANYONE,
    ),
    "resetPassword": (
        'mutation { resetPassword(uid: "x", token: "y", newPassword: "z") { errors { code } } }',
        ANYONE,
    ),
    "inviteMember": (
        'mutation { inviteMember(email: "new@glow.example", role: FRONT_DESK) { errors { code } } }',
        MANAGERS,
    ),
    "revokeInvitation": ('mutation { revokeInvitation(id: "0") { errors { code } } }', MANAGERS),
    "acceptInvitation": (
        'mutation { acceptInvitation(token: "inv_x", name: "N", password: "p") { errors { code } } }',
        ANYONE,
    ),
    "changeMemberRole": (
        'mutation { changeMemberRole(id: "0", role: PROVIDER) { errors { code } } }',
        MANAGERS,
    ),
    "deactivateMember": ('mutation { deactivateMember(id: "0") { errors { code } } }', MANAGERS),
    "reactivateMember": ('mutation { reactivateMember(id: "0") { errors { code } } }', MANAGERS),
    # Each records app keeps its part of the matrix beside its tests.
    **AUDIT_MATRIX,
    **BILLING_MATRIX,
    **CATALOG_MATRIX,
    **CLIENTS_MATRIX,
    **FORMS_MATRIX,
    **LOCATIONS_MATRIX,
    **PROFILE_MATRIX,
    **MESSAGING_MATRIX,
    **PHOTOS_MATRIX,
    **SCHEDULING_MATRIX,
    **STAFF_MATRIX,
    **TREATMENT_MATRIX,
}


def _declared_permission(type_name: str, field_name: str) -> Permission | None:
    graphql_type = getattr(schema.graphql_schema, f"{type_name}_type")
    if type_name == "query":
        resolver = getattr(graphql_type.graphene_type, f"resolve_{to_snake_case(field_name)}", None)
        return getattr(resolver, "permission", None)
    output = graphql_type.fields[field_name].type
    output = output.of_type if isinstance(output, GraphQLNonNull) else output
    mutation = output.graphene_type
    return mutation.permission if issubclass(mutation, SpaMutation) else None


def test_every_root_field_declares_a_permission_and_is_in_the_matrix():
    roots = [
        (kind, name)
        for kind in ("query", "mutation")
        for name in getattr(schema.graphql_schema, f"{kind}_type").fields
    ]

    undeclared = [name for kind, name in roots if _declared_permission(kind, name) is None]

    assert undeclared == []
    assert sorted(MATRIX) == sorted(name for _, name in roots)
    assert all(_declared_permission(kind, name) == MATRIX[name][1] for kind, name in roots)


# Fields whose document asks for something that is not there: allowed, they answer null.
ANSWERS_NULL_WHEN_ALLOWED = {
    "node",
    "client",
    "clientMessagingConsents",
    *FORMS_NULL,
    *PHOTOS_NULL,
}

CASES = [(field, role) for field in MATRIX for role in [None, *ALL_ROLES]]


@pytest.mark.parametrize(
    ("field", "role"), CASES, ids=[f"{f}-{r or 'anonymous'}" for f, r in CASES]
)
def test_role_matrix(glow, client_for, signed_in, field, role):
    document, allowed = MATRIX[field]
    client = client_for(glow) if role is None else signed_in(glow, role)

    answer = client.graphql(document)

    codes = answer.error_codes
    if allowed.roles is None or (role is not None and role in allowed.roles):
        assert "UNAUTHENTICATED" not in codes and "FORBIDDEN" not in codes, answer.body
        assert answer.data is not None
        assert answer.data[field] is not None or field in ANSWERS_NULL_WHEN_ALLOWED
    elif role is None:
        assert codes == ["UNAUTHENTICATED"]
        assert answer.data is None or answer.data[field] is None
    else:
        assert codes == ["FORBIDDEN"]
        assert answer.data is None or answer.data[field] is None


def test_forbidden_mutation_changes_nothing(glow, member_of, signed_in):
    target = member_of(glow, Role.PROVIDER)

    answer = signed_in(glow, Role.FRONT_DESK).graphql(
        f'mutation {{ deactivateMember(id: "{global_id(glow, "Member", target.pk)}") '
        "{ errors { code } } }"
    )

    assert answer.error_codes == ["FORBIDDEN"]
    assert answer.errors[0]["message"] == "Your role does not allow this."
    target.refresh_from_db()
    assert target.is_active
