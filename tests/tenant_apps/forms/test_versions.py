"""Templates and versions (tenant_apps/forms/services/templates.py): publishing
freezes the draft; a response keeps its version and hashes whatever happens to
the template after."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.forms.hashing import canonical_json, version_content_hash
from tenant_apps.forms.models import FormTemplate, FormVersion, ServiceForm
from tenant_apps.forms.services.templates import (
    form_template_archive,
    form_template_create,
    form_template_draft_save,
    form_template_publish,
    form_template_restore,
    form_template_update,
    service_forms_set,
)
from tenant_apps.forms.starters import STARTERS
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.factories import a_response, a_schema, a_version


def _code(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    error = exc.value
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code or ""
    return error.error_list[0].code or ""


def test_canonical_json_sorts_keys_and_keeps_unicode():
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


@pytest.mark.spa("glow")
def test_publishing_numbers_versions_and_an_unchanged_draft_publishes_nothing():
    template = form_template_create(name="History", kind="intake", draft=a_schema())

    first = form_template_publish(template_id=template.pk, user_id=7)
    again = form_template_publish(template_id=template.pk, user_id=7)
    schema = a_schema()
    schema["sections"][0]["title"] = "Changed"
    form_template_draft_save(template_id=template.pk, schema=schema)
    second = form_template_publish(template_id=template.pk, user_id=7)

    assert (first.number, again.pk, second.number) == (1, first.pk, 2)
    assert first.content_hash == version_content_hash(
        title="History", kind="intake", schema=a_schema()
    )
    assert first.published_by_user_id == 7


@pytest.mark.spa("glow")
def test_a_response_keeps_its_version_and_hashes_after_the_template_is_republished():
    # given a response to version 1
    version = a_version(name="Keeps")
    client = ClientFactory()
    response = a_response(client_id=client.pk, version=version)
    before = (response.version_id, response.shown_hash, response.document_hash)

    # when the template is edited, renamed and republished
    template = version.template
    schema = a_schema()
    schema["sections"][0]["fields"][0]["label"] = "Have you ever smoked?"
    form_template_draft_save(template_id=template.pk, schema=schema)
    form_template_update(template_id=template.pk, name="Keeps, renamed")
    v2 = form_template_publish(template_id=template.pk, user_id=None)

    # then the response still answers version 1, with the same hashes and text
    response.refresh_from_db()
    assert (response.version_id, response.shown_hash, response.document_hash) == before
    assert response.version.schema == a_schema()
    assert response.version.title == "Keeps"
    assert v2.number == 2 and v2.content_hash != version.content_hash


@pytest.mark.spa("glow")
def test_an_empty_or_invalid_draft_is_not_published():
    template = form_template_create(name="Empty", kind="policy")

    with pytest.raises(ValidationError) as empty:
        form_template_publish(template_id=template.pk, user_id=None)
    FormTemplate.objects.filter(pk=template.pk).update(draft={"sections": "broken"})
    with pytest.raises(ValidationError) as broken:
        form_template_publish(template_id=template.pk, user_id=None)

    assert _code(empty) == "DRAFT_EMPTY"
    assert _code(broken) == "FORM_SCHEMA_INVALID"
    assert not FormVersion.objects.filter(template=template).exists()


@pytest.mark.spa("glow")
def test_names_renewal_and_kind_are_checked():
    template = form_template_create(name="Named", kind="consent")

    with pytest.raises(ValidationError) as taken:
        form_template_create(name="Named", kind="intake")
    with pytest.raises(ValidationError) as months:
        form_template_update(template_id=template.pk, renewal="months")
    changed = form_template_update(template_id=template.pk, renewal="months", renewal_months=6)
    once = form_template_update(template_id=template.pk, renewal="once")
    form_template_draft_save(template_id=template.pk, schema=a_schema())
    form_template_publish(template_id=template.pk, user_id=None)
    with pytest.raises(ValidationError) as kind:
        form_template_update(template_id=template.pk, kind="intake")

    assert _code(taken) == "NAME_TAKEN"
    assert _code(months) == "RENEWAL_INVALID"
    assert (changed.renewal, changed.renewal_months) == ("months", 6)
    assert (once.renewal, once.renewal_months) == ("once", None)
    assert _code(kind) == "VALUE_INVALID"


@pytest.mark.spa("glow")
def test_archiving_drops_the_requirement_and_only_live_templates_are_required():
    service = ServiceFactory()
    live = form_template_create(name="Live", kind="consent")
    gone = form_template_create(name="Gone", kind="consent")
    form_template_archive(template_id=gone.pk)

    with pytest.raises(ValidationError) as archived:
        service_forms_set(service_id=service.pk, template_ids=[live.pk, gone.pk])
    required = service_forms_set(service_id=service.pk, template_ids=[live.pk])
    form_template_archive(template_id=live.pk)

    assert _code(archived) == "NOT_FOUND"
    assert [t.pk for t in required] == [live.pk]
    assert not ServiceForm.objects.filter(service=service).exists()
    with pytest.raises(ValidationError) as editing:
        form_template_draft_save(template_id=live.pk, schema=a_schema())
    assert _code(editing) == "ARCHIVED"
    assert form_template_restore(template_id=live.pk).archived_at is None


@pytest.mark.spa("glow")
def test_every_starter_is_installed_and_published_as_version_1():
    installed = {
        t.starter_key: t
        for t in FormTemplate.objects.exclude(starter_key="").prefetch_related("versions")
    }

    assert set(installed) == {s.key for s in STARTERS}
    for starter in STARTERS:
        template = installed[starter.key]
        (version,) = template.versions.all()
        assert version.number == 1
        assert version.schema == starter.schema
        assert version.content_hash == version_content_hash(
            title=starter.name, kind=starter.kind, schema=starter.schema
        )
        # publishing the unchanged draft again makes nothing new
        assert form_template_publish(template_id=template.pk, user_id=None).pk == version.pk
