"""Forms' mutations in the spa API: managers and owners edit, publish and
retire templates and set which forms each service requires."""

from __future__ import annotations

import graphene

from core.graphql.arguments import enum_value, given_fields
from core.graphql.mutations import SpaMutation
from core.graphql.relay import pk_from_global_id
from core.graphql.scalars import JSONString
from shared_apps.accounts.permissions import MANAGERS
from tenant_apps.forms.errors import FormErrorCode
from tenant_apps.forms.graphql.types import (
    FormError,
    FormKindEnum,
    FormTemplateNode,
    FormVersionNode,
    RenewalEnum,
)
from tenant_apps.forms.services import templates as services

_ERRORS = "Why nothing was changed; empty on success."


class FormMutation(SpaMutation):
    class Meta:
        abstract = True

    permission = MANAGERS
    error_codes = frozenset(FormErrorCode)
    errors = graphene.List(graphene.NonNull(FormError), required=True, description=_ERRORS)


class FormTemplateInput(graphene.InputObjectType):
    name = graphene.String(description="Unique among live forms; 1 to 120 characters.")
    description = graphene.String()
    kind = FormKindEnum(description="Fixed once a version is published.")
    renewal = RenewalEnum(description='"months" needs renewalMonths.')
    renewal_months = graphene.Int(description="1 to 120, for a renewal in months.")


class CreateFormTemplate(FormMutation):
    """A new form with an empty draft (or the schema given), not yet published."""

    class Arguments:
        name = graphene.String(required=True)
        kind = FormKindEnum(required=True)
        description = graphene.String(default_value="")
        renewal = RenewalEnum(default_value="once")
        renewal_months = graphene.Int()
        draft = JSONString(description="A schema to start from.")

    template = graphene.Field(FormTemplateNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, **arguments):
        template = services.form_template_create(
            name=arguments["name"],
            kind=enum_value(arguments["kind"]),
            description=arguments.get("description") or "",
            renewal=enum_value(arguments.get("renewal")) or "once",
            renewal_months=arguments.get("renewal_months"),
            draft=arguments.get("draft"),
        )
        return cls(template=template)


class UpdateFormTemplate(FormMutation):
    """Change a form's details (only the fields sent)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = FormTemplateInput(required=True)

    template = graphene.Field(FormTemplateNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, input):
        changes = given_fields(input)
        if "renewal_months" in input and input["renewal_months"] is None:
            changes["renewal_months"] = None
        template = services.form_template_update(
            template_id=pk_from_global_id(id, "FormTemplate"), **changes
        )
        return cls(template=template)


class SaveFormDraft(FormMutation):
    """Replace a form's draft with a schema (tenant_apps/forms/schema.py). Each
    fault is an error whose field is the path of the part at fault
    (`sections.0.fields.3.options`)."""

    class Arguments:
        id = graphene.ID(required=True)
        schema = JSONString(required=True)

    template = graphene.Field(FormTemplateNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id, schema):
        template = services.form_template_draft_save(
            template_id=pk_from_global_id(id, "FormTemplate"), schema=schema
        )
        return cls(template=template)


class PublishFormTemplate(FormMutation):
    """Freeze the draft into the next version. A draft equal to the latest
    version publishes nothing and returns that version."""

    class Arguments:
        id = graphene.ID(required=True)

    template = graphene.Field(FormTemplateNode, description="Null on errors.")
    version = graphene.Field(FormVersionNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id):
        version = services.form_template_publish(
            template_id=pk_from_global_id(id, "FormTemplate"), user_id=membership.user_id
        )
        return cls(template=version.template, version=version)


class ArchiveFormTemplate(FormMutation):
    """Retire a form: services stop requiring it; versions and responses stay."""

    class Arguments:
        id = graphene.ID(required=True)

    template = graphene.Field(FormTemplateNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id):
        template = services.form_template_archive(template_id=pk_from_global_id(id, "FormTemplate"))
        return cls(template=template)


class RestoreFormTemplate(FormMutation):
    """Bring an archived form back (services must be set to require it again)."""

    class Arguments:
        id = graphene.ID(required=True)

    template = graphene.Field(FormTemplateNode, description="Null on errors.")

    @classmethod
    def perform(cls, root, info, membership, id):
        template = services.form_template_restore(template_id=pk_from_global_id(id, "FormTemplate"))
        return cls(template=template)


class SetServiceForms(FormMutation):
    """The forms a service requires, replaced whole (live forms only)."""

    class Arguments:
        service_id = graphene.ID(required=True)
        template_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    templates = graphene.List(
        graphene.NonNull(FormTemplateNode), description="The forms now required; null on errors."
    )

    @classmethod
    def perform(cls, root, info, membership, service_id, template_ids):
        pks = [pk_from_global_id(t, "FormTemplate") for t in template_ids]
        templates = services.service_forms_set(
            service_id=pk_from_global_id(service_id, "Service"),
            # An ID of nothing here (another spa's) names no template: 0 matches none.
            template_ids=[pk or 0 for pk in pks],
        )
        return cls(templates=templates)


class FormMutations(graphene.ObjectType):
    create_form_template = CreateFormTemplate.Field()
    update_form_template = UpdateFormTemplate.Field()
    save_form_draft = SaveFormDraft.Field()
    publish_form_template = PublishFormTemplate.Field()
    archive_form_template = ArchiveFormTemplate.Field()
    restore_form_template = RestoreFormTemplate.Field()
    set_service_forms = SetServiceForms.Field()
