"""The treatment gate (tenant_apps/treatment/gate.py): check-in refused while
required forms are missing, expired or a consent declined; a manager's
override with a reason, recorded and audited; the readiness query."""

from __future__ import annotations

from django.utils import timezone

from core.graphql.relay import to_global_id
from shared_apps.accounts.models import Role
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenant_apps.audit.services import Actor
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.services.responses import form_response_record
from tenant_apps.forms.services.templates import form_template_create, service_forms_set
from tenant_apps.scheduling.models import Appointment, AppointmentStatus
from tenant_apps.treatment.gate import appointments_readiness
from tenant_apps.treatment.models import GateOverride
from tests.tenant_apps.forms.links_setup import Visit, a_setting, a_visit
from tests.tenant_apps.scheduling.factories import on_spa

DESK = Actor(user_id=None, role="system:test")
CHECK_IN = """
mutation CheckIn($id: ID!, $reason: String) {
  checkInAppointment(id: $id, overrideReason: $reason) {
    appointment { id status }
    errors { field code message }
  }
}
"""
READINESS = """
query Readiness($ids: [ID!]!) {
  appointmentReadiness(ids: $ids) {
    appointmentId ready blockers { code templateId templateName }
  }
}
"""


def sign(visit: Visit, *, consent: str = "accepted", intake: bool = True) -> None:
    """The client's answers, recorded as the desk would (run on the spa)."""
    now = timezone.now()
    form_response_record(
        actor=DESK,
        client_id=visit.client.pk,
        version_id=visit.consent_version.pk,
        answers={"understood": True, "sign": {"typed_name": "Ava Patient"}}
        if consent == "accepted"
        else {"sign": {"typed_name": "Ava Patient"}},
        source="staff",
        decision=consent,
        evidence=SignatureEvidence(
            typed_name="Ava Patient",
            drawn_image_file_id=None,
            meaning="I consent.",
            disclosure_version="",
            electronic_consent_at=now,
            signed_at=now,
            ip=None,
            user_agent="",
        ),
        appointment_id=visit.appointment.pk,
    )
    if intake:
        form_response_record(
            actor=DESK,
            client_id=visit.client.pk,
            version_id=visit.intake_version.pk,
            answers={"pregnant": False},
            source="staff",
        )


def errors(answer) -> list[str]:
    return [e["code"] for e in answer.data["checkInAppointment"]["errors"]]


def test_check_in_is_refused_while_forms_are_missing_naming_the_forms(glow, signed_in):
    with on_spa(glow):
        visit = a_visit()
        appointment_id = to_global_id("Appointment", visit.appointment.pk)

    answer = signed_in(glow, Role.FRONT_DESK).graphql(CHECK_IN, {"id": appointment_id})

    assert errors(answer) == ["TREATMENT_GATE_BLOCKED"]
    message = answer.data["checkInAppointment"]["errors"][0]["message"]
    assert "Brief intake" in message and "Toxin consent" in message
    assert visit.client.first_name not in message
    with on_spa(glow):
        assert Appointment.objects.get(pk=visit.appointment.pk).status == AppointmentStatus.BOOKED


def test_check_in_passes_once_the_forms_are_signed(glow, signed_in):
    with on_spa(glow):
        visit = a_visit()
        sign(visit)
        appointment_id = to_global_id("Appointment", visit.appointment.pk)

    answer = signed_in(glow, Role.FRONT_DESK).graphql(CHECK_IN, {"id": appointment_id})

    assert errors(answer) == []
    assert answer.data["checkInAppointment"]["appointment"]["status"] == "CHECKED_IN"


def test_a_declined_consent_blocks_check_in(glow):
    with on_spa(glow):
        visit = a_visit()
        sign(visit, consent="declined")
        readiness = appointments_readiness(appointment_ids=[visit.appointment.pk])
    blockers = readiness[visit.appointment.pk].blockers
    assert [(b.code, b.template_name) for b in blockers] == [("FORM_DECLINED", "Toxin consent")]


def test_a_manager_overrides_with_a_reason_recorded_and_audited(glow, signed_in, member_of):
    with on_spa(glow):
        visit = a_visit()
        appointment_id = to_global_id("Appointment", visit.appointment.pk)
    manager = member_of(glow, Role.MANAGER)

    answer = signed_in(glow, membership=manager).graphql(
        CHECK_IN, {"id": appointment_id, "reason": "Paper consent signed at the desk"}
    )

    assert errors(answer) == []
    assert answer.data["checkInAppointment"]["appointment"]["status"] == "CHECKED_IN"
    with on_spa(glow):
        override = GateOverride.objects.get()
        entries = AuditEntry.objects.filter(
            actor_user_id=manager.user_id,
            action=AuditAction.UPDATE,
            client_ids=[visit.client.pk],
        )
        assert entries.exists()
    assert override.appointment_id == visit.appointment.pk
    assert override.action == "check_in"
    assert override.reason == "Paper consent signed at the desk"
    assert override.actor_user_id == manager.user_id
    assert {b["code"] for b in override.blockers} == {"FORM_MISSING"}
    assert {b["template_name"] for b in override.blockers} == {
        "Brief intake",
        "Toxin consent",
    }


def test_front_desk_cannot_override_and_an_empty_reason_overrides_nothing(
    glow, signed_in, member_of
):
    with on_spa(glow):
        visit = a_visit()
        appointment_id = to_global_id("Appointment", visit.appointment.pk)
    desk = signed_in(glow, Role.FRONT_DESK)
    manager = signed_in(glow, Role.MANAGER)

    refused = desk.graphql(CHECK_IN, {"id": appointment_id, "reason": "They said it's fine"})
    empty = manager.graphql(CHECK_IN, {"id": appointment_id, "reason": "   "})

    assert errors(refused) == ["OVERRIDE_NOT_ALLOWED"]
    assert errors(empty) == ["TREATMENT_GATE_BLOCKED"]
    with on_spa(glow):
        assert not GateOverride.objects.exists()
        assert Appointment.objects.get(pk=visit.appointment.pk).status == AppointmentStatus.BOOKED


def test_another_spas_appointment_id_checks_in_nothing(glow, radiance, signed_in):
    with on_spa(glow):
        visit = a_visit()
        glow_id = to_global_id("Appointment", visit.appointment.pk)
    manager = signed_in(radiance, Role.MANAGER)

    answer = manager.graphql(CHECK_IN, {"id": glow_id, "reason": "x"})
    readiness = manager.graphql(READINESS, {"ids": [glow_id]})

    assert errors(answer) == ["NOT_FOUND"]
    assert readiness.data["appointmentReadiness"] == []
    with on_spa(glow):
        assert Appointment.objects.get(pk=visit.appointment.pk).status == AppointmentStatus.BOOKED
        assert not GateOverride.objects.exists()


def test_readiness_of_many_appointments_takes_a_fixed_number_of_queries(
    glow, signed_in, django_assert_num_queries
):
    # given 3, then 12, appointments, some ready and some not
    with on_spa(glow):
        setting = a_setting()
        visits = [a_visit(setting=setting) for _ in range(12)]
        for visit in visits[::3]:
            sign(visit)
        ids = [to_global_id("Appointment", v.appointment.pk) for v in visits]
    desk = signed_in(glow, Role.FRONT_DESK)
    desk.graphql(READINESS, {"ids": ids[:1]})  # the connection warmed up

    # when each is asked for, the query count is the same
    with django_assert_num_queries(7) as few:  # with the audit entry
        small = desk.graphql(READINESS, {"ids": ids[:3]})
    with django_assert_num_queries(len(few.captured_queries)):
        large = desk.graphql(READINESS, {"ids": ids})

    # then each answers in order, ready or blocked
    assert small.errors == []
    rows = large.data["appointmentReadiness"]
    assert [r["appointmentId"] for r in rows] == ids
    assert [r["ready"] for r in rows] == [n % 3 == 0 for n in range(12)]
    assert {b["code"] for b in rows[1]["blockers"]} == {"FORM_MISSING"}


def test_readiness_refuses_more_than_200_ids(glow, signed_in):
    answer = signed_in(glow, Role.FRONT_DESK).graphql(READINESS, {"ids": ["eA"] * 201})
    assert answer.error_codes == ["TOO_MANY_IDS"]


def test_a_provider_sees_the_readiness_of_their_own_appointments_only(glow, signed_in, member_of):
    provider = member_of(glow, Role.PROVIDER)
    with on_spa(glow):
        visit = a_visit()
        ids = [to_global_id("Appointment", visit.appointment.pk)]
    answer = signed_in(glow, membership=provider).graphql(READINESS, {"ids": ids})
    assert answer.data["appointmentReadiness"] == []


def test_reading_readiness_is_logged_as_a_list_of_the_clients(glow, signed_in):
    # given an appointment whose consent was declined (what readiness tells)
    with on_spa(glow):
        visit = a_visit()
        sign(visit, consent="declined")
        ids = [to_global_id("Appointment", visit.appointment.pk)]
    desk = signed_in(glow, Role.FRONT_DESK)

    # when the desk reads its readiness
    answer = desk.graphql(READINESS, {"ids": ids})

    # then the read of the client's forms is in the PHI audit log
    assert answer.data["appointmentReadiness"][0]["blockers"][0]["code"] == "FORM_DECLINED"
    with on_spa(glow):
        assert AuditEntry.objects.filter(
            actor_user_id=desk.membership.user_id,
            action=AuditAction.LIST,
            client_ids=[visit.client.pk],
        ).exists()


def test_a_required_form_never_published_does_not_block_check_in(glow):
    # given a service that also requires a form still in draft (no version:
    # no link can ask for it, so no patient could ever fill it)
    with on_spa(glow):
        setting = a_setting()
        draft = form_template_create(name="Aftercare (draft)", kind="policy")
        service_forms_set(
            service_id=setting.desk.service.pk,
            template_ids=[setting.consent.pk, setting.intake.pk, draft.pk],
        )
        visit = a_visit(setting=setting)
        sign(visit)

        # when the gate looks at the appointment
        readiness = appointments_readiness(appointment_ids=[visit.appointment.pk])

    # then only the published forms count, and they are all on file
    assert readiness[visit.appointment.pk].ready
