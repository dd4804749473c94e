"""The spa's first owner, and secrets kept out of logs and error messages."""

import json
import logging
import re

import pytest
from axes.models import AccessAttempt

from shared_apps.accounts.models import Membership, Role
from shared_apps.accounts.secrets import digest
from shared_apps.lifecycle.services import spa_provision
from tests.conftest import HostClient
from tests.factories import PASSWORD


@pytest.mark.usefixtures("committing")
def test_provisioning_makes_the_owner_who_sets_a_password_and_signs_in(mailoutbox):
    spa = spa_provision(
        slug="lumen",
        name="Lumen Skin",
        timezone_name="America/Chicago",
        owner_email="Owner@Lumen.example",
    )
    owner = Membership.objects.select_related("user").get(spa=spa)
    welcome = mailoutbox[0]
    uid, token = re.search(r"uid=([\w-]+)&token=([\w-]+)", welcome.body).groups()
    client = HostClient("lumen.medspa.test")

    reset = client.graphql(
        "mutation R($uid: String!, $token: String!) { resetPassword(uid: $uid, token: $token, "
        'newPassword: "lumen-owner-pass-1") { errors { code } } }',
        {"uid": uid, "token": token},
    )
    login = client.graphql(
        'mutation { login(email: "owner@lumen.example", password: "lumen-owner-pass-1") '
        "{ me { role } errors { code } } }"
    )

    assert (owner.role, owner.user.email) == (Role.OWNER, "owner@lumen.example")
    assert not owner.user.has_usable_password()
    assert welcome.subject == "Welcome to Lumen Skin: set your password"
    assert reset.data == {"resetPassword": {"errors": []}}
    assert login.data == {"login": {"me": {"role": "OWNER"}, "errors": []}}


def test_no_password_or_token_reaches_logs_or_errors(glow, member_of, client_for, caplog, capsys):
    member_of(glow, Role.OWNER, email="nora@glow.example")
    caplog.set_level(logging.DEBUG)
    client = client_for(glow)

    failed = client.graphql(
        'mutation { login(email: "nora@glow.example", password: "Wrong-Secret-987") { errors { message } } }'
    )
    ok = client.graphql(
        'mutation L($password: String!) { login(email: "nora@glow.example", password: $password) '
        "{ token } }",
        {"password": PASSWORD},
    )
    token = ok.data["login"]["token"]
    bad_token = client.graphql("{ me { role } }", HTTP_AUTHORIZATION=f"Bearer {token}x")
    invited = client.graphql(
        'mutation { inviteMember(email: "new@glow.example", role: FRONT_DESK) { errors { code } } }',
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    captured = capsys.readouterr()
    everything = caplog.text + captured.out + captured.err + str(failed.body) + str(bad_token.body)
    assert invited.data == {"inviteMember": {"errors": []}}
    assert caplog.records  # there was logging to look through (axes, django.request)
    for secret in ("Wrong-Secret-987", PASSWORD, token, token[4:20]):
        assert secret not in everything
    assert "nora@glow.example" not in caplog.text  # axes masks the account it logs


SIGN_IN = (
    'mutation {{ login(email: "{email}", password: "{password}") {{ token errors {{ code }} }} }}'
)


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.graphql(SIGN_IN.format(email=email, password=password), **extra).data["login"]


def test_form_bodies_and_url_queries_are_not_run_so_no_password_is_stored(
    glow, member_of, client_for
):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)
    query = (
        'mutation { login(email: "nora@glow.example", password: "Guess-In-Clear-1") '
        "{ token errors { code } } }"
    )

    form = client.post("/graphql/", {"query": query})
    in_url = client.post(f"/graphql/?query={query}", data="{}", content_type="application/json")

    assert form.status_code == 415
    assert json.loads(form.content)["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert in_url.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_failed_attempt_records_hold_no_password(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")

    _sign_in(client_for(glow), "nora@glow.example", "Guess-In-Clear-2")

    stored = " ".join(f"{a.get_data} {a.post_data}" for a in AccessAttempt.objects.all())
    assert AccessAttempt.objects.count() == 1
    assert "Guess-In-Clear-2" not in stored


def test_stored_token_is_the_sha256_of_the_secret(glow, signed_in):
    client = signed_in(glow)

    stored = client.membership.tokens.get()

    assert stored.token_hash == digest(client.token)
    assert client.token not in stored.token_hash
