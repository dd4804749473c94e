"""Impersonating a spa member from the console: started with a reason, shown
once, marked on every answer, limited in what it may do and for how long, and
recorded in both audit logs."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from config.schema_tenant import schema
from shared_apps.accounts.graphql.impersonation import IMPERSONATION_FORBIDDEN_MUTATIONS
from shared_apps.accounts.models import ApiToken, Membership, Role
from shared_apps.accounts.services.impersonation import token_issue_impersonation
from shared_apps.accounts.services.passwords import password_change
from shared_apps.accounts.services.tokens import token_issue
from shared_apps.console.models import ConsoleAction, ConsoleAuditEntry
from shared_apps.console.staff import staff_revoke
from shared_apps.console.views.impersonation import impersonation_context
from tenant_apps.audit.models import AuditAction, AuditEntry
from tenants.models import SpaStatus
from tests.conftest import HostClient, host_of
from tests.factories import PASSWORD
from tests.tenant_apps.clients.factories import ClientFactory

ME = "{ me { name role impersonation { by reason startedAt expiresAt } } }"
TOKEN = re.compile(r"msp_[A-Za-z0-9_-]{20,}")


def _start(console, spa, membership, *, reason="Ticket 4711: calendar looks empty", minutes=30):
    return console.post(
        f"/console/spas/{spa.slug}/impersonate/",
        {"membership": str(membership.pk), "reason": reason, "minutes": str(minutes)},
    )


def _started(console, spa, membership, **options) -> tuple[ApiToken, str]:
    """Start through the console and read the token off the page it sends us to."""
    response = _start(console, spa, membership, **options)
    assert response.status_code == 302, response.content
    page = console.get(response["Location"])
    assert page.status_code == 200
    token = ApiToken.objects.get(membership=membership, impersonated_by__isnull=False)
    assert response["Location"] == f"/console/impersonations/{token.pk}/"
    shown = TOKEN.search(page.content.decode())
    assert shown is not None
    return token, shown.group(0)


def _api(spa, secret) -> HostClient:
    return HostClient(host_of(spa.slug), HTTP_AUTHORIZATION=f"Bearer {secret}")


def _spa_log(spa, **filters):
    with tenant_context(spa):
        return list(AuditEntry.objects.filter(**filters).order_by("seq"))


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Starting --------------------------------------------------------------------------------


def test_starting_shows_the_token_once_and_audits_both_sides(console, glow, member_of):
    # given a front desk member of glow
    member = member_of(glow, Role.FRONT_DESK, name="Felix Desk")

    # when platform staff start a 30-minute impersonation with a reason
    token, secret = _started(console, glow, member, reason="Ticket 4711: calendar looks empty")

    # then the token is the member's, marked with the staff member and the reason
    assert token.impersonated_by == console.user
    assert token.impersonation_reason == "Ticket 4711: calendar looks empty"
    assert timedelta(minutes=29) < token.expires_at - timezone.now() <= timedelta(minutes=30)
    # shown once: the page again has everything but the token
    again = console.get(f"/console/impersonations/{token.pk}/").content.decode()
    assert secret not in again and TOKEN.search(again) is None
    assert secret not in str(dict(console.session))  # nor kept on the server
    assert "Impersonation active" in again and "End impersonation" in again
    # the console's log: who, which spa, member, reason, minutes, expiry, token id
    entry = ConsoleAuditEntry.objects.get(action=ConsoleAction.IMPERSONATE)
    assert (entry.actor_id, entry.spa_slug, entry.reason) == (
        console.user.pk,
        "glow",
        "Ticket 4711: calendar looks empty",
    )
    assert entry.detail["token_id"] == token.pk
    assert entry.detail["membership_id"] == member.pk
    assert entry.detail["minutes"] == 30
    assert entry.detail["expires_at"] == token.expires_at.isoformat()
    assert secret not in str(entry.detail) and token.token_hash not in str(entry.detail)
    # the spa's log: the start, as the member, naming the staff member
    [started] = _spa_log(glow, action=AuditAction.IMPERSONATION_START)
    assert started.actor_user_id == member.user_id
    assert started.actor_role == f"imp:{console.user.pk}:front_desk"
    assert started.client_ids == []
    assert started.request_id == entry.request_id != ""


def test_the_curl_example_names_the_spas_api(console, glow, member_of):
    member = member_of(glow, Role.MANAGER)

    response = _start(console, glow, member)
    page = console.get(response["Location"]).content.decode()

    assert f"http://glow.{settings.ROOT_DOMAIN}/graphql/" in page
    assert "Authorization: Bearer msp_" in page


def test_the_spa_page_lists_members_and_live_impersonations(console, glow, member_of, rf):
    member = member_of(glow, Role.PROVIDER, name="Nora Quinn")
    gone = member_of(glow, Role.PROVIDER, name="Gone Person")
    Membership.objects.filter(pk=gone.pk).update(is_active=False)
    token, _secret = _started(console, glow, member)

    page = console.get("/console/spas/glow/").content.decode()

    assert "Start impersonation" in page
    assert f'<option value="{member.pk}">' in page
    assert f'<option value="{gone.pk}">' not in page
    assert f"/console/impersonations/{token.pk}/end/" in page
    context = impersonation_context(rf.get("/"), glow)["impersonation"]
    assert [t.pk for t in context["active"]] == [token.pk]
    assert context["durations"] == (15, 30, 60) and context["default_minutes"] == 30


@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_a_reason_is_required(console, glow, member_of, reason):
    member = member_of(glow)

    response = _start(console, glow, member, reason=reason)

    assert response.status_code == 302 and response["Location"] == "/console/spas/glow/"
    assert any("why" in message for message in _messages(response))
    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()
    assert not ConsoleAuditEntry.objects.filter(action=ConsoleAction.IMPERSONATE).exists()
    assert _spa_log(glow, action=AuditAction.IMPERSONATION_START) == []


def test_an_inactive_member_is_refused(console, glow, member_of):
    member = member_of(glow)
    Membership.objects.filter(pk=member.pk).update(is_active=False)
    deactivated_account = member_of(glow)
    deactivated_account.user.is_active = False
    deactivated_account.user.save()

    for target in (member, deactivated_account):
        response = _start(console, glow, target)
        assert response["Location"] == "/console/spas/glow/"
        assert "This member is not active." in _messages(response)

    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()


def test_a_member_of_another_spa_is_refused(console, glow, radiance, member_of):
    # given radiance's member, posted on glow's page
    theirs = member_of(radiance, Role.OWNER)

    response = _start(console, glow, theirs)

    assert response["Location"] == "/console/spas/glow/"
    assert "Choose a member of this spa to impersonate." in _messages(response)
    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()


@pytest.mark.parametrize("minutes", ["0", "45", "61", "120", "abc", "²", "9" * 30])
def test_only_the_offered_durations_are_accepted(console, glow, member_of, minutes):
    member = member_of(glow)

    response = console.post(
        "/console/spas/glow/impersonate/",
        {"membership": str(member.pk), "reason": "Ticket 1", "minutes": minutes},
    )

    assert response.status_code == 302
    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()


@pytest.mark.parametrize("membership", ["", "x", "99999999999999999999999", "-1"])
def test_a_malformed_member_id_is_refused_not_a_server_error(console, glow, membership):
    response = console.post(
        "/console/spas/glow/impersonate/",
        {"membership": membership, "reason": "Ticket 1", "minutes": "30"},
    )

    assert response.status_code == 302
    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()


def test_a_closed_spa_cannot_be_impersonated(console, glow, member_of):
    member = member_of(glow)
    type(glow).objects.filter(pk=glow.pk).update(status=SpaStatus.CLOSED)

    response = _start(console, glow, member)

    assert "This spa's API is not open." in _messages(response)
    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()


def test_people_who_are_not_staff_cannot_start_one(glow, member_of, staff_member):
    from tests.shared_apps.console.conftest import sign_in

    member = member_of(glow)
    owner = member_of(glow, Role.OWNER).user
    strangers = [HostClient(settings.ROOT_DOMAIN)]
    not_staff = HostClient(settings.ROOT_DOMAIN)
    not_staff.force_login(owner)
    strangers.append(not_staff)
    strangers.append(sign_in(HostClient(settings.ROOT_DOMAIN), staff_member(), verify=False))

    for client in strangers:
        assert _start(client, glow, member).status_code == 403

    assert not ApiToken.objects.filter(impersonated_by__isnull=False).exists()


def test_the_service_refuses_anyone_but_platform_staff(glow, member_of):
    member = member_of(glow)
    not_staff = member_of(glow, Role.OWNER).user

    with pytest.raises(ValidationError) as refused:
        token_issue_impersonation(membership=member, staff_user=not_staff, reason="x", minutes=5)
    assert refused.value.code == "NOT_PLATFORM_STAFF"


def test_the_database_holds_the_reason_and_the_time_limit(glow, member_of, staff_member):
    member, staff = member_of(glow), staff_member()
    base = {"membership": member, "impersonated_by": staff}

    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            token_hash="a" * 64, expires_at=timezone.now() + timedelta(minutes=5), **base
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApiToken.objects.create(
            token_hash="b" * 64,
            expires_at=timezone.now() + timedelta(minutes=61),
            impersonation_reason="why",
            **base,
        )
    with pytest.raises(ValidationError) as refused:
        token_issue_impersonation(membership=member, staff_user=staff, reason="x", minutes=61)
    assert refused.value.error_dict["minutes"][0].code == "DURATION_INVALID"


# --- Using the token ---------------------------------------------------------------------------


def test_the_token_works_on_its_spa_only_and_every_answer_is_marked(
    console, glow, radiance, member_of
):
    member = member_of(glow, Role.MANAGER, name="Mia Manager")
    token, secret = _started(console, glow, member, reason="Ticket 9")

    answer = _api(glow, secret).graphql(ME)
    elsewhere = _api(radiance, secret).graphql(ME)

    assert answer.status == 200
    assert answer.headers["X-Impersonated-By"] == console.user.email
    me = answer.data["me"]
    assert (me["name"], me["role"]) == ("Mia Manager", "MANAGER")
    assert me["impersonation"]["by"] == console.user.email
    assert me["impersonation"]["reason"] == "Ticket 9"
    assert me["impersonation"]["expiresAt"] == token.expires_at.isoformat()
    assert elsewhere.status == 401
    assert elsewhere.error_codes == ["UNAUTHENTICATED"]
    assert "X-Impersonated-By" not in elsewhere.headers


def test_the_members_own_session_is_not_marked(glow, signed_in, caplog):
    caplog.set_level(logging.INFO, logger="medspa.request")
    answer = signed_in(glow, Role.MANAGER).graphql(ME)

    assert answer.data["me"]["impersonation"] is None
    assert "X-Impersonated-By" not in answer.headers
    [line] = [r for r in caplog.records if r.name == "medspa.request"]
    assert line.impersonated_by is None


def test_the_request_log_names_the_staff_member_behind_the_member(console, glow, member_of, caplog):
    member = member_of(glow, Role.FRONT_DESK)
    _, secret = _started(console, glow, member)
    caplog.set_level(logging.INFO, logger="medspa.request")

    _api(glow, secret).graphql(ME)

    [line] = [r for r in caplog.records if r.name == "medspa.request"]
    assert (line.user_id, line.impersonated_by) == (member.user_id, console.user.pk)
    assert console.user.email not in caplog.text


def test_client_reads_and_writes_are_attributed_to_the_staff_member(console, glow, member_of):
    member = member_of(glow, Role.FRONT_DESK)
    with tenant_context(glow):
        client = ClientFactory()
    _token, secret = _started(console, glow, member)
    api = _api(glow, secret)

    listed = api.graphql("{ clients(first: 5) { edges { node { id } } } }")
    created = api.graphql(
        'mutation { createClient(input: {firstName: "Ada", lastName: "Byron"}) '
        "{ client { id } errors { code } } }"
    )

    assert listed.errors == [] and created.data["createClient"]["errors"] == []
    role = f"imp:{console.user.pk}:front_desk"
    reads = _spa_log(glow, action=AuditAction.LIST)
    writes = _spa_log(glow, action=AuditAction.CREATE)
    assert [(e.actor_user_id, e.actor_role) for e in reads] == [(member.user_id, role)]
    assert client.pk in reads[0].client_ids
    assert [(e.actor_user_id, e.actor_role) for e in writes] == [(member.user_id, role)]


FORBIDDEN = {
    "changePassword": 'mutation { changePassword(currentPassword: "$PASSWORD", '
    'newPassword: "N3w-passphrase-long") { errors { code } } }',
    "login": 'mutation { login(email: "$EMAIL", password: "$PASSWORD") { token } }',
    "logout": "mutation { logout { errors { code } } }",
    "logoutEverywhere": "mutation { logoutEverywhere { revoked } }",
    "updateMe": 'mutation { updateMe(name: "Someone Else") { errors { code } } }',
    "inviteMember": 'mutation { inviteMember(email: "new@glow.example", role: OWNER) '
    "{ errors { code } } }",
    "startCheckout": 'mutation { startCheckout(plan: "starter") { errors { code } } }',
    "aliased": 'mutation { x: changePassword(currentPassword: "a", newPassword: "b") '
    "{ errors { code } } }",
}


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_what_a_support_session_may_not_do_is_refused(console, glow, member_of, name):
    member = member_of(glow, Role.OWNER, name="Olive Owner")
    _token, secret = _started(console, glow, member)
    document = FORBIDDEN[name].replace("$PASSWORD", PASSWORD).replace("$EMAIL", member.user.email)

    answer = _api(glow, secret).graphql(document)

    assert answer.status == 403
    assert answer.error_codes == ["IMPERSONATION_FORBIDDEN"]
    assert answer.data is None
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD) and member.user.name == "Olive Owner"
    # only the impersonation's own token exists: nothing minted, nothing revoked
    assert list(
        ApiToken.objects.filter(membership=member).values_list("revoked_at", flat=True)
    ) == [None]


def test_the_password_service_refuses_an_impersonation_token_too(glow, member_of, staff_member, rf):
    member = member_of(glow)
    issued = token_issue_impersonation(
        membership=member, staff_user=staff_member(), reason="Ticket 3", minutes=15
    )

    with pytest.raises(ValidationError) as refused:
        password_change(
            request=rf.post("/"),
            token=issued.token,
            current_password=PASSWORD,
            new_password="An0ther-long-passphrase",
        )

    assert refused.value.code == "IMPERSONATION_FORBIDDEN"


def test_no_query_shares_a_name_with_a_forbidden_mutation():
    # The guard sees root field names only, not whether they are queries.
    queries = set(schema.graphql_schema.query_type.fields)
    assert queries.isdisjoint(IMPERSONATION_FORBIDDEN_MUTATIONS)
    assert {"changePassword", "login", "acceptInvitation", "changePlan"} <= (
        IMPERSONATION_FORBIDDEN_MUTATIONS
    )


def test_an_expired_impersonation_is_refused(console, glow, member_of):
    member = member_of(glow)
    token, secret = _started(console, glow, member)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    answer = _api(glow, secret).graphql(ME)

    assert answer.status == 401 and answer.error_codes == ["UNAUTHENTICATED"]
    page = console.get(f"/console/impersonations/{token.pk}/").content.decode()
    assert "has expired" in page and "End impersonation" not in page


def test_revoking_the_staff_member_ends_their_impersonations(console, glow, member_of):
    member = member_of(glow)
    _token, secret = _started(console, glow, member)

    staff_revoke(email=console.user.email)

    assert _api(glow, secret).graphql(ME).status == 401


def test_the_member_signing_out_everywhere_ends_it_too(console, glow, member_of):
    member = member_of(glow)
    _token, secret = _started(console, glow, member)
    own = token_issue(membership=member).secret

    _api(glow, own).graphql("mutation { logoutEverywhere { revoked } }")

    assert _api(glow, secret).graphql(ME).status == 401


# --- Ending ------------------------------------------------------------------------------------


def test_ending_revokes_the_token_and_audits_both_sides(console, glow, member_of):
    member = member_of(glow, Role.PROVIDER)
    token, secret = _started(console, glow, member)
    assert _api(glow, secret).graphql(ME).status == 200

    response = console.post(f"/console/impersonations/{token.pk}/end/")

    assert response.status_code == 302 and response["Location"] == "/console/spas/glow/"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _api(glow, secret).graphql(ME).status == 401
    ended = ConsoleAuditEntry.objects.get(action=ConsoleAction.IMPERSONATE_END)
    assert (ended.actor_id, ended.spa_slug, ended.detail["token_id"]) == (
        console.user.pk,
        "glow",
        token.pk,
    )
    [spa_end] = _spa_log(glow, action=AuditAction.IMPERSONATION_END)
    assert (spa_end.actor_user_id, spa_end.actor_role) == (
        member.user_id,
        f"imp:{console.user.pk}:provider",
    )
    assert "has ended" in console.get(f"/console/impersonations/{token.pk}/").content.decode()
    assert (
        f"/console/impersonations/{token.pk}/end/"
        not in console.get("/console/spas/glow/").content.decode()
    )


def test_ending_twice_is_refused_once_recorded(console, glow, member_of):
    member = member_of(glow)
    token, _secret = _started(console, glow, member)
    console.post(f"/console/impersonations/{token.pk}/end/")

    again = console.post(f"/console/impersonations/{token.pk}/end/")

    assert "This impersonation has already ended." in _messages(again)
    assert ConsoleAuditEntry.objects.filter(action=ConsoleAction.IMPERSONATE_END).count() == 1
    assert len(_spa_log(glow, action=AuditAction.IMPERSONATION_END)) == 1


def test_an_ordinary_token_is_no_impersonation_to_end(console, glow, signed_in):
    own = signed_in(glow)
    token = ApiToken.objects.get(membership=own.membership)

    assert console.get(f"/console/impersonations/{token.pk}/").status_code == 404
    assert console.post(f"/console/impersonations/{token.pk}/end/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_spas_audit_chain_still_verifies(console, glow, member_of, capsys):
    member = member_of(glow)
    with tenant_context(glow):
        ClientFactory()
    token, secret = _started(console, glow, member)
    _api(glow, secret).graphql("{ clients(first: 5) { edges { node { id } } } }")
    console.post(f"/console/impersonations/{token.pk}/end/")

    call_command("audit_verify", "glow")

    assert "glow: ok" in capsys.readouterr().out
    actions = [e.action for e in _spa_log(glow)]
    assert actions[-3:] == [
        AuditAction.IMPERSONATION_START,
        AuditAction.LIST,
        AuditAction.IMPERSONATION_END,
    ]
