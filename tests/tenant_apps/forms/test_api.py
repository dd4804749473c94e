"""The forms staff API: editing and publishing (managers), reading responses
(audited), appointment form status (providers see their own), and no reach
into another spa."""

from __future__ import annotations

import json

from django_tenants.utils import tenant_context

from core.graphql.relay import to_global_id
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.forms.models import FormTemplate, FormVersion, ServiceForm
from tenant_apps.forms.services.templates import service_forms_set
from tenant_apps.scheduling.models import AppointmentService
from tests.tenant_apps.catalog.factories import ServiceFactory
from tests.tenant_apps.clients.factories import ClientFactory
from tests.tenant_apps.forms.factories import a_response, a_schema, a_version
from tests.tenant_apps.scheduling.factories import AppointmentFactory
from tests.tenant_apps.staff.factories import StaffProfileFactory

CREATE = """mutation($name: String!, $draft: JSONString) {
  createFormTemplate(name: $name, kind: CONSENT, renewal: MONTHS, renewalMonths: 12, draft: $draft) {
    template { id name renewal renewalMonths hasUnpublishedChanges }
    errors { field code message }
  }
}"""
SAVE = """mutation($id: ID!, $schema: JSONString!) {
  saveFormDraft(id: $id, schema: $schema) { template { draft } errors { field code message } }
}"""
PUBLISH = """mutation($id: ID!) {
  publishFormTemplate(id: $id) {
    version { id number contentHash schema templateId } errors { field code }
  }
}"""
TEMPLATE = """query($id: ID!) {
  formTemplate(id: $id) {
    name draft hasUnpublishedChanges
    versions { number } latestVersion { number }
    requiredByServices { name }
  }
}"""
RESPONSES = """query($id: ID!) {
  clientFormResponses(clientId: $id, first: 10) {
    edges { node { id decision answers version { number title } signature { typedName } } }
  }
}"""
RESPONSE = """query($id: ID!) {
  formResponse(id: $id) {
    answers decision documentHash shownHash source
    signature { typedName meaning disclosureVersion ipAddress documentHash }
    version { number }
  }
}"""
APPOINTMENT_FORMS = """query($id: ID!) {
  appointmentForms(appointmentId: $id) { template { name } state responseId validUntil }
}"""


def test_a_manager_builds_and_publishes_a_form(glow, signed_in):
    manager = signed_in(glow, "manager")

    created = manager.graphql(CREATE, {"name": "Peel consent", "draft": json.dumps(a_schema())})
    template = created.data["createFormTemplate"]["template"]
    published = manager.graphql(PUBLISH, {"id": template["id"]})
    read = manager.graphql(TEMPLATE, {"id": template["id"]})

    assert created.data["createFormTemplate"]["errors"] == []
    assert (template["renewal"], template["renewalMonths"]) == ("MONTHS", 12)
    assert template["hasUnpublishedChanges"] is True
    version = published.data["publishFormTemplate"]["version"]
    assert version["number"] == 1 and version["templateId"] == template["id"]
    assert json.loads(version["schema"]) == a_schema()
    form = read.data["formTemplate"]
    assert form["hasUnpublishedChanges"] is False
    assert [v["number"] for v in form["versions"]] == [1]
    assert json.loads(form["draft"]) == a_schema()


def test_a_bad_draft_answers_each_fault_by_path_and_saves_nothing(glow, signed_in):
    manager = signed_in(glow, "manager")
    with tenant_context(glow):
        template = FormTemplate.objects.create(name="Draft", kind="intake", draft={})
    bad = a_schema()
    bad["sections"][0]["fields"][0]["show_if"] = {"field": "nowhere", "equals": True}
    bad["sections"][0]["fields"][1]["type"] = "slider"

    answer = manager.graphql(
        SAVE, {"id": to_global_id_in(glow, "FormTemplate", template.pk), "schema": json.dumps(bad)}
    )

    errors = answer.data["saveFormDraft"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("sections.0.fields.0.showIf.field", "CONDITION_INVALID"),
        ("sections.0.fields.1.type", "FIELD_TYPE_INVALID"),
    }
    with tenant_context(glow):
        template.refresh_from_db()
        assert template.draft == {}


def test_publishing_an_empty_draft_is_refused(glow, signed_in):
    manager = signed_in(glow, "manager")
    created = manager.graphql(CREATE, {"name": "Empty one"})

    answer = manager.graphql(PUBLISH, {"id": created.data["createFormTemplate"]["template"]["id"]})

    assert answer.data["publishFormTemplate"]["errors"] == [{"field": "id", "code": "DRAFT_EMPTY"}]


def to_global_id_in(spa, type_name: str, pk: int) -> str:
    with tenant_context(spa):
        return to_global_id(type_name, pk)


def test_responses_are_read_with_their_evidence_and_every_read_is_audited(
    glow, signed_in, django_assert_num_queries
):
    provider = signed_in(glow, "provider")
    with tenant_context(glow):
        client = ClientFactory()
        version = a_version(name="Read me")
        responses = [a_response(client_id=client.pk, version=version) for _ in range(3)]
        client_id = to_global_id("Client", client.pk)
        response_id = to_global_id("FormResponse", responses[0].pk)
        before = AuditEntry.objects.count()

    listed = provider.graphql(RESPONSES, {"id": client_id})
    # the token, the response (version and signature joined), the audit row
    with django_assert_num_queries(3):
        one = provider.graphql(RESPONSE, {"id": response_id})

    edges = listed.data["clientFormResponses"]["edges"]
    assert len(edges) == 3
    assert edges[0]["node"]["version"] == {"number": 1, "title": "Read me"}
    assert edges[0]["node"]["signature"] == {"typedName": "Jane Doe"}
    response = one.data["formResponse"]
    assert json.loads(response["answers"])["smoker"] is False
    assert response["signature"]["disclosureVersion"] == "2026-01"
    assert response["documentHash"] == responses[0].document_hash
    with tenant_context(glow):
        entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [(e.action, e.client_ids) for e in entries] == [
        (AuditAction.LIST, [client.pk]),
        (AuditAction.VIEW, [client.pk]),
    ]


def test_a_page_of_responses_costs_the_same_whatever_its_size(
    glow, signed_in, django_assert_num_queries
):
    member = signed_in(glow, "front_desk")
    with tenant_context(glow):
        client = ClientFactory()
        version = a_version(name="Many")
        for _ in range(6):
            a_response(client_id=client.pk, version=version)
        client_id = to_global_id("Client", client.pk)
    member.graphql(RESPONSES, {"id": client_id})  # warm the connection's schema

    # the token, the client checked, the page (version and signature joined), the audit
    with django_assert_num_queries(4):
        small = member.graphql(RESPONSES.replace("first: 10", "first: 2"), {"id": client_id})
    with django_assert_num_queries(4):
        large = member.graphql(RESPONSES, {"id": client_id})

    assert len(small.data["clientFormResponses"]["edges"]) == 2
    assert len(large.data["clientFormResponses"]["edges"]) == 6


def test_appointment_forms_for_the_desk_and_only_their_own_for_a_provider(glow, signed_in):
    desk = signed_in(glow, "front_desk")
    provider = signed_in(glow, "provider")
    with tenant_context(glow):
        client = ClientFactory()
        version = a_version(name="Needed", kind="consent", renewal="per_visit")
        service = ServiceFactory()
        service_forms_set(service_id=service.pk, template_ids=[version.template_id])
        theirs = StaffProfileFactory(user_id=provider.membership.user_id)
        mine = AppointmentFactory(client=client, provider=theirs)
        other = AppointmentFactory(client=client)
        for appointment in (mine, other):
            AppointmentService.objects.create(
                appointment=appointment,
                service=service,
                position=0,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                price_cents=1,
                currency="USD",
            )
        mine_id = to_global_id("Appointment", mine.pk)
        other_id = to_global_id("Appointment", other.pk)

    at_desk = desk.graphql(APPOINTMENT_FORMS, {"id": other_id})
    own = provider.graphql(APPOINTMENT_FORMS, {"id": mine_id})
    not_own = provider.graphql(APPOINTMENT_FORMS, {"id": other_id})

    assert at_desk.data["appointmentForms"] == [
        {"template": {"name": "Needed"}, "state": "MISSING", "responseId": None, "validUntil": None}
    ]
    assert own.data["appointmentForms"][0]["state"] == "MISSING"
    assert not_own.data["appointmentForms"] is None


def test_another_spa_cannot_read_publish_or_require_this_spas_forms(glow, radiance, signed_in):
    # given glow's template, version, response, client, service and appointment
    with tenant_context(glow):
        client = ClientFactory()
        version = a_version(name="Glow only")
        response = a_response(client_id=client.pk, version=version)
        service = ServiceFactory()
        appointment = AppointmentFactory(client=client)
        ids = {
            "template": to_global_id("FormTemplate", version.template_id),
            "version": to_global_id("FormVersion", version.pk),
            "response": to_global_id("FormResponse", response.pk),
            "client": to_global_id("Client", client.pk),
            "service": to_global_id("Service", service.pk),
            "appointment": to_global_id("Appointment", appointment.pk),
        }
        drafts = FormTemplate.objects.get(pk=version.template_id).draft
    intruder = signed_in(radiance, "owner")

    # when radiance's owner uses those IDs
    template = intruder.graphql(TEMPLATE, {"id": ids["template"]})
    version_read = intruder.graphql(
        "query($id: ID!) { formVersion(id: $id) { schema } }", {"id": ids["version"]}
    )
    node = intruder.graphql("query($id: ID!) { node(id: $id) { id } }", {"id": ids["response"]})
    one = intruder.graphql(RESPONSE, {"id": ids["response"]})
    listed = intruder.graphql(RESPONSES, {"id": ids["client"]})
    forms = intruder.graphql(APPOINTMENT_FORMS, {"id": ids["appointment"]})
    required = intruder.graphql(
        "query($ids: [ID!]!) { serviceRequiredForms(serviceIds: $ids) { serviceId } }",
        {"ids": [ids["service"]]},
    )
    publish = intruder.graphql(PUBLISH, {"id": ids["template"]})
    save = intruder.graphql(SAVE, {"id": ids["template"], "schema": json.dumps(a_schema())})
    archive = intruder.graphql(
        "mutation($id: ID!) { archiveFormTemplate(id: $id) { errors { code } } }",
        {"id": ids["template"]},
    )
    set_forms = intruder.graphql(
        "mutation($s: ID!, $t: [ID!]!) { setServiceForms(serviceId: $s, templateIds: $t) "
        "{ errors { field code } } }",
        {"s": ids["service"], "t": [ids["template"]]},
    )

    # then nothing is read and nothing changes
    assert template.data["formTemplate"] is None
    assert version_read.data["formVersion"] is None
    assert node.data["node"] is None
    assert one.data["formResponse"] is None
    assert listed.data["clientFormResponses"]["edges"] == []
    assert forms.data["appointmentForms"] is None
    assert required.data["serviceRequiredForms"] == []
    assert publish.data["publishFormTemplate"]["errors"] == [{"field": "id", "code": "NOT_FOUND"}]
    assert save.data["saveFormDraft"]["errors"][0]["code"] == "NOT_FOUND"
    assert archive.data["archiveFormTemplate"]["errors"] == [{"code": "NOT_FOUND"}]
    assert set_forms.data["setServiceForms"]["errors"][0]["code"] == "NOT_FOUND"
    with tenant_context(glow):
        assert FormVersion.objects.filter(template_id=version.template_id).count() == 1
        assert FormTemplate.objects.get(pk=version.template_id).draft == drafts
        assert FormTemplate.objects.get(pk=version.template_id).archived_at is None
        assert not ServiceForm.objects.filter(service=service).exists()


LIST = """{
  formTemplates(includeArchived: true) {
    id name kind renewal isArchived latestVersion { number } versions { number }
    requiredByServices { name }
  }
}"""


def test_the_template_list_costs_the_same_whatever_its_length(
    glow, signed_in, django_assert_num_queries
):
    member = signed_in(glow, "provider")
    member.graphql(LIST)  # warm the connection's schema
    # the token, the templates, their versions, their services
    with django_assert_num_queries(4):
        few = member.graphql(LIST)
    with tenant_context(glow):
        service = ServiceFactory()
        made = [a_version(name=f"Listed {i}") for i in range(5)]
        service_forms_set(service_id=service.pk, template_ids=[v.template_id for v in made])
    with django_assert_num_queries(4):
        many = member.graphql(LIST)

    assert len(many.data["formTemplates"]) == len(few.data["formTemplates"]) + 5
    listed = {t["name"]: t for t in many.data["formTemplates"]}
    assert listed["Listed 0"]["requiredByServices"] == [{"name": service.name}]
    assert listed["Medical intake"]["latestVersion"] == {"number": 1}


def test_a_manager_sets_what_a_service_requires_and_changes_a_forms_renewal(glow, signed_in):
    manager = signed_in(glow, "manager")
    with tenant_context(glow):
        service = ServiceFactory()
        intake = FormTemplate.objects.get(starter_key="medical_intake")
        photo = FormTemplate.objects.get(starter_key="photo_consent")
        ids = {
            "service": to_global_id("Service", service.pk),
            "intake": to_global_id("FormTemplate", intake.pk),
            "photo": to_global_id("FormTemplate", photo.pk),
        }

    set_forms = manager.graphql(
        "mutation($s: ID!, $t: [ID!]!) { setServiceForms(serviceId: $s, templateIds: $t) "
        "{ templates { name } errors { code } } }",
        {"s": ids["service"], "t": [ids["photo"], ids["intake"]]},
    )
    required = manager.graphql(
        "query($ids: [ID!]!) { serviceRequiredForms(serviceIds: $ids) "
        "{ serviceId templates { name } } }",
        {"ids": [ids["service"]]},
    )
    update = manager.graphql(
        "mutation($id: ID!) { updateFormTemplate(id: $id, input: {renewal: PER_VISIT}) "
        "{ template { renewal renewalMonths } errors { code } } }",
        {"id": ids["photo"]},
    )
    bad = manager.graphql(
        "mutation($id: ID!) { updateFormTemplate(id: $id, input: {renewal: MONTHS}) "
        "{ errors { field code } } }",
        {"id": ids["photo"]},
    )

    names = [t["name"] for t in set_forms.data["setServiceForms"]["templates"]]
    assert names == ["Medical intake", "Photo consent"]
    assert required.data["serviceRequiredForms"] == [
        {"serviceId": ids["service"], "templates": [{"name": n} for n in names]}
    ]
    assert update.data["updateFormTemplate"]["template"] == {
        "renewal": "PER_VISIT",
        "renewalMonths": None,
    }
    assert bad.data["updateFormTemplate"]["errors"] == [
        {"field": "renewalMonths", "code": "RENEWAL_INVALID"}
    ]


MANY_FORMS = """query($ids: [ID!]!) {
  appointmentsForms(appointmentIds: $ids) { appointmentId forms { template { name } state } }
}"""


def test_a_calendar_page_of_form_statuses_costs_the_same_whatever_its_size(
    glow, signed_in, django_assert_num_queries
):
    desk = signed_in(glow, "front_desk")
    with tenant_context(glow):
        version = a_version(name="Page", kind="consent", renewal="per_visit")
        service = ServiceFactory()
        service_forms_set(service_id=service.pk, template_ids=[version.template_id])
        ids = []
        for i in range(8):
            appointment = AppointmentFactory(client=ClientFactory())
            AppointmentService.objects.create(
                appointment=appointment,
                service=service,
                position=0,
                starts_at=appointment.starts_at,
                ends_at=appointment.ends_at,
                price_cents=1,
                currency="USD",
            )
            if i % 2:
                a_response(
                    client_id=appointment.client_id,
                    version=version,
                    decision="accepted",
                    appointment_id=appointment.pk,
                )
            ids.append(to_global_id("Appointment", appointment.pk))
    desk.graphql(MANY_FORMS, {"ids": ids[:1]})  # warm the connection's schema

    # the token, the appointments seen, the audit, then the status's four
    with django_assert_num_queries(7):
        one = desk.graphql(MANY_FORMS, {"ids": ids[:1]})
    with django_assert_num_queries(7):
        page = desk.graphql(MANY_FORMS, {"ids": ids})

    assert one.data["appointmentsForms"][0]["forms"] == [
        {"template": {"name": "Page"}, "state": "MISSING"}
    ]
    states = [row["forms"][0]["state"] for row in page.data["appointmentsForms"]]
    assert states == ["MISSING", "COMPLETE"] * 4
    assert [row["appointmentId"] for row in page.data["appointmentsForms"]] == ids


def test_a_response_read_by_node_is_audited_too(glow, signed_in):
    member = signed_in(glow, "front_desk")
    with tenant_context(glow):
        client = ClientFactory()
        response = a_response(client_id=client.pk, version=a_version(name="By node"))
        response_id = to_global_id("FormResponse", response.pk)
        before = AuditEntry.objects.count()

    answer = member.graphql(
        "query($id: ID!) { node(id: $id) { ... on FormResponse { answers } } }", {"id": response_id}
    )

    assert json.loads(answer.data["node"]["answers"])["smoker"] is False
    with tenant_context(glow):
        (entry,) = AuditEntry.objects.order_by("seq")[before:]
    assert (entry.action, entry.client_ids) == (AuditAction.VIEW, [client.pk])
