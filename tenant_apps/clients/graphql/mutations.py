"""Client mutations: front desk, managers and owners keep client records."""

from typing import Any

import graphene

from core.graphql.arguments import enum_value, given_fields
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from shared_apps.accounts.permissions import FRONT_OFFICE
from tenant_apps.audit.services import Actor
from tenant_apps.clients import services
from tenant_apps.clients.errors import ClientErrorCode
from tenant_apps.clients.graphql.types import (
    ClientError,
    ClientNode,
    ConsentSourceEnum,
)


class AddressInput(graphene.InputObjectType):
    line1 = graphene.String()
    line2 = graphene.String()
    city = graphene.String()
    region = graphene.String()
    postal_code = graphene.String()
    country = graphene.String(description="ISO 3166-1 alpha-2, e.g. US.")


class ConsentInput(graphene.InputObjectType):
    granted = graphene.Boolean(required=True)
    source = graphene.Field(ConsentSourceEnum, required=True)


class ClientInput(graphene.InputObjectType):
    """Fields of a client. On update, only the fields sent change; null or an
    empty string or list clears one."""

    first_name = graphene.String()
    last_name = graphene.String()
    preferred_name = graphene.String()
    date_of_birth = graphene.Date()
    email = graphene.String()
    phone = graphene.String(
        description="With a country code, or national for the spa's first location's country."
    )
    address = graphene.Field(AddressInput)
    allergies = graphene.List(graphene.NonNull(graphene.String))
    medications = graphene.List(graphene.NonNull(graphene.String))
    medical_conditions = graphene.List(graphene.NonNull(graphene.String))
    notes = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))
    marketing_consent = graphene.Field(
        ConsentInput, description="A new marketing decision, recorded with when and how."
    )


_ADDRESS_FIELDS = {
    "line1": "address_line1",
    "line2": "address_line2",
    "city": "city",
    "region": "region",
    "postal_code": "postal_code",
    "country": "country",
}


def _service_fields(data: Any) -> dict[str, Any]:
    """The input's fields as the service takes them: only those sent, null kept
    (it clears a field), the address flattened into its columns."""
    fields = given_fields(data, keep_null=True)
    consent = fields.pop("marketing_consent", None)
    address = fields.pop("address", None) or {}
    fields |= {_ADDRESS_FIELDS[k]: val for k, val in given_fields(address, keep_null=True).items()}
    if consent is not None:
        fields["marketing_consent"] = services.Consent(
            granted=consent["granted"],
            source=enum_value(consent["source"]),
        )
    return fields


class ClientMutation(SpaMutation):
    class Meta:
        abstract = True

    permission = FRONT_OFFICE
    error_codes = frozenset(ClientErrorCode)
    errors = graphene.List(graphene.NonNull(ClientError), required=True)
    client = graphene.Field(ClientNode)


class CreateClient(ClientMutation):
    """Add a client. Refused with DUPLICATE_SUSPECTED and the likely matches in
    `duplicates` when a client with the same email or phone, or the same name and
    date of birth, exists; send again with `allowDuplicate: true` to create anyway."""

    class Arguments:
        input = ClientInput(required=True)
        allow_duplicate = graphene.Boolean(default_value=False)

    duplicates = graphene.List(
        graphene.NonNull(ClientNode),
        required=True,
        description="With DUPLICATE_SUSPECTED: the clients this one may be.",
    )

    @staticmethod
    def resolve_duplicates(root, info):
        return getattr(root, "duplicates", None) or []

    @classmethod
    def perform(cls, root, info, membership, input, allow_duplicate):
        fields = _service_fields(input)
        first_name = fields.pop("first_name", "")
        client = services.client_create(
            actor=Actor.of_request(info.context),
            first_name=first_name or "",
            allow_duplicate=allow_duplicate,
            **fields,
        )
        return cls(client=client)


class UpdateClient(ClientMutation):
    """Change a client's details (only the fields sent)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = ClientInput(required=True)

    @classmethod
    def perform(cls, root, info, membership, id, input):
        client = services.client_update(
            actor=Actor.of_request(info.context),
            client_id=pk_from_global_id(id, "Client"),
            **_service_fields(input),
        )
        return cls(client=client)


class ArchiveClient(ClientMutation):
    """Hide a client from lists and searches; nothing is deleted."""

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, membership, id):
        client = services.client_archive(
            actor=Actor.of_request(info.context), client_id=pk_from_global_id(id, "Client")
        )
        return cls(client=client)


class RestoreClient(ClientMutation):
    """Bring an archived client back (not one that was merged into another)."""

    class Arguments:
        id = graphene.ID(required=True)

    @classmethod
    def perform(cls, root, info, membership, id):
        client = services.client_restore(
            actor=Actor.of_request(info.context), client_id=pk_from_global_id(id, "Client")
        )
        return cls(client=client)


class MergeClients(ClientMutation):
    """Fold a duplicate record into the one to keep: its history moves over,
    empty fields are filled, clinical lists are united; the duplicate is archived
    and points at the survivor. Returns the survivor."""

    class Arguments:
        survivor_id = graphene.ID(required=True, description="The record to keep.")
        duplicate_id = graphene.ID(required=True, description="The record to fold in.")

    @classmethod
    def perform(cls, root, info, membership, survivor_id, duplicate_id):
        client = services.client_merge(
            actor=Actor.of_request(info.context),
            survivor_id=pk_from_global_id(survivor_id, "Client"),
            duplicate_id=pk_from_global_id(duplicate_id, "Client"),
        )
        return cls(client=client)


class ClientMutations(graphene.ObjectType):
    create_client = CreateClient.Field()
    update_client = UpdateClient.Field()
    archive_client = ArchiveClient.Field()
    restore_client = RestoreClient.Field()
    merge_clients = MergeClients.Field()
