"""Signing in to a spa, and what a token is good for: this spa, while it lives."""

from datetime import timedelta

import pytest
from django.utils import timezone

from shared_apps.accounts.models import ApiToken, Membership, Role
from tenants.models import SpaStatus
from tenants.services import spa_set_status
from tests.factories import PASSWORD

LOGIN = """
mutation Login($email: String!, $password: String!) {
  login(email: $email, password: $password) {
    token expiresAt me { email role } errors { field code message }
  }
}
"""
ME = "{ me { email name role } }"


def _login(client, email, password=PASSWORD):
    return client.graphql(LOGIN, {"email": email, "password": password}).data["login"]


def test_login_then_me(glow, member_of, client_for):
    member = member_of(glow, Role.PROVIDER, email="nora@glow.example", name="Nora Quinn")

    result = _login(client_for(glow), "Nora@Glow.example")
    me = client_for(glow)
    me.defaults["HTTP_AUTHORIZATION"] = f"Bearer {result['token']}"
    answer = me.graphql(ME)

    assert result["errors"] == []
    assert result["token"].startswith("msp_")
    assert result["me"] == {"email": "nora@glow.example", "role": "PROVIDER"}
    assert answer.data == {
        "me": {"email": "nora@glow.example", "name": "Nora Quinn", "role": "PROVIDER"}
    }
    assert ApiToken.objects.get(membership=member).token_hash != result["token"]


def test_token_of_one_spa_is_rejected_on_another(glow, radiance, member_of, client_for):
    # given one person working at both spas, signed in at glow
    member = member_of(glow, Role.MANAGER, email="sam@both.example")
    Membership.objects.create(user=member.user, spa=radiance, role=Role.FRONT_DESK)
    glow_token = _login(client_for(glow), "sam@both.example")["token"]

    # when the glow token is sent to radiance
    answer = client_for(radiance).graphql(ME, HTTP_AUTHORIZATION=f"Bearer {glow_token}")

    # then it is refused, and a separate sign-in gives a radiance token
    assert answer.status == 401
    assert answer.error_codes == ["UNAUTHENTICATED"]
    radiance_token = _login(client_for(radiance), "sam@both.example")["token"]
    assert radiance_token != glow_token
    assert client_for(radiance).graphql(ME, HTTP_AUTHORIZATION=f"Bearer {radiance_token}").data == {
        "me": {"email": "sam@both.example", "name": member.user.name, "role": "FRONT_DESK"}
    }
    assert client_for(glow).graphql(ME, HTTP_AUTHORIZATION=f"Bearer {radiance_token}").status == 401


@pytest.mark.parametrize(
    ("email", "password"),
    [("nora@glow.example", "wrong-password-123"), ("nobody@glow.example", PASSWORD), ("", "")],
)
def test_bad_credentials_are_one_error(glow, member_of, client_for, email, password):
    member_of(glow, email="nora@glow.example")

    result = _login(client_for(glow), email, password)

    assert result["token"] is None
    assert result["errors"] == [
        {
            "field": None,
            "code": "INVALID_CREDENTIALS",
            "message": "The email or password is not right.",
        }
    ]


def test_a_member_of_another_spa_cannot_sign_in_here(glow, radiance, member_of, client_for):
    member_of(radiance, email="rita@radiance.example")

    result = _login(client_for(glow), "rita@radiance.example")

    assert result["token"] is None
    assert [e["code"] for e in result["errors"]] == ["INVALID_CREDENTIALS"]


def test_deactivated_member_cannot_sign_in(glow, member_of, client_for):
    member = member_of(glow, email="gone@glow.example")
    member.is_active = False
    member.save()

    assert _login(client_for(glow), "gone@glow.example")["token"] is None


def test_deactivated_members_token_fails_on_the_next_request(glow, signed_in):
    client = signed_in(glow, Role.FRONT_DESK)
    assert client.graphql(ME).status == 200

    client.membership.is_active = False
    client.membership.save()

    answer = client.graphql(ME)
    assert answer.status == 401
    assert answer.error_codes == ["UNAUTHENTICATED"]
    assert answer.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_deactivated_user_token_fails(glow, signed_in):
    client = signed_in(glow)
    client.membership.user.is_active = False
    client.membership.user.save()

    assert client.graphql(ME).status == 401


def test_expired_token_fails(glow, signed_in):
    client = signed_in(glow)
    ApiToken.objects.filter(membership=client.membership).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert client.graphql(ME).error_codes == ["UNAUTHENTICATED"]


def test_logout_revokes_only_that_token(glow, signed_in):
    first = signed_in(glow)
    second = signed_in(glow, membership=first.membership)

    answer = first.graphql("mutation { logout { errors { code } } }")

    assert answer.data == {"logout": {"errors": []}}
    assert first.graphql(ME).status == 401
    assert second.graphql(ME).status == 200


def test_logout_everywhere_revokes_this_spas_tokens_only(glow, radiance, signed_in):
    at_glow = signed_in(glow)
    other_device = signed_in(glow, membership=at_glow.membership)

    at_radiance = signed_in(
        radiance,
        membership=Membership.objects.create(
            user=at_glow.membership.user, spa=radiance, role=Role.FRONT_DESK
        ),
    )

    answer = at_glow.graphql("mutation { logoutEverywhere { revoked errors { code } } }")

    assert answer.data == {"logoutEverywhere": {"revoked": 2, "errors": []}}
    assert other_device.graphql(ME).status == 401
    assert at_radiance.graphql(ME).status == 200


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer msp_not-a-real-token",
        "Basic dXNlcjpwYXNz",
        "msp_abc",
        "Token x",
    ],
)
def test_malformed_or_unknown_authorization_is_401(glow, client_for, header):
    answer = client_for(glow).graphql("{ spa { slug } }", HTTP_AUTHORIZATION=header)

    assert answer.status == 401
    assert answer.error_codes == ["UNAUTHENTICATED"]


def test_anonymous_requests_still_read_the_public_spa_fields(glow, client_for):
    assert client_for(glow).graphql("{ spa { slug } }").data == {"spa": {"slug": "glow"}}


def test_anonymous_me_is_unauthenticated(glow, client_for):
    answer = client_for(glow).graphql(ME)

    assert answer.status == 200
    assert answer.error_codes == ["UNAUTHENTICATED"]
    assert answer.data is None


def test_authorization_is_ignored_on_the_platform_host(db, platform_client):
    answer = platform_client.graphql(
        '{ slugAvailability(slug: "x") { available } }', HTTP_AUTHORIZATION="Bearer nonsense"
    )
    assert answer.status == 200


def test_last_used_is_recorded_at_most_once_per_interval(glow, signed_in):
    client = signed_in(glow)
    client.graphql(ME)
    token = ApiToken.objects.get(membership=client.membership)
    first_use = token.last_used_at

    client.graphql(ME)

    assert first_use is not None
    token.refresh_from_db()
    assert token.last_used_at == first_use


def test_authenticated_request_costs_one_query_for_the_token(
    glow, signed_in, django_assert_num_queries
):
    client = signed_in(glow)
    client.graphql(ME)  # warms routing and records last use

    # token + membership + user: the warm-up left the connection on glow's
    # search_path, so no SET
    with django_assert_num_queries(1):
        client.graphql(ME)
    with django_assert_num_queries(2):  # the same, and the profile in the spa's schema
        client.graphql("{ me { email } spa { profile { contactEmail } } }")


def test_suspended_spa_still_lets_people_sign_in_and_out(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED)

    result = _login(client_for(glow), "nora@glow.example")
    out = client_for(glow).graphql(
        "mutation { logout { errors { code } } }", HTTP_AUTHORIZATION=f"Bearer {result['token']}"
    )

    assert result["token"]
    assert out.data == {"logout": {"errors": []}}


def test_suspended_spa_refuses_a_mix_of_safe_and_unsafe_mutations(glow, signed_in):
    client = signed_in(glow, Role.OWNER)
    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED)

    answer = client.graphql(
        "mutation { logout { errors { code } } "
        'inviteMember(email: "a@b.example", role: FRONT_DESK) { errors { code } } }'
    )

    assert answer.status == 403
    assert answer.error_codes == ["SPA_SUSPENDED"]
    assert client.graphql(ME).status == 200  # the logout did not run either
