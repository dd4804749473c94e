"""Password reset by an emailed, single-use link; it signs the person out everywhere."""

import re

from django.core.cache import cache

from shared_apps.accounts.models import Membership, Role

REQUEST = 'mutation { requestPasswordReset(email: "%s") { errors { code } } }'
RESET = """
mutation Reset($uid: String!, $token: String!, $password: String!) {
  resetPassword(uid: $uid, token: $token, newPassword: $password) { errors { field code } }
}
"""


def _link(mail) -> dict[str, str]:
    found = re.search(r"uid=([\w-]+)&token=([\w-]+)", mail.body)
    assert found, mail.body
    return {"uid": found.group(1), "token": found.group(2)}


def test_reset_sets_the_password_and_revokes_every_token(
    glow, radiance, member_of, signed_in, client_for, mailoutbox
):
    member = member_of(glow, Role.PROVIDER, email="nora@glow.example")
    at_glow = signed_in(glow, membership=member)
    at_radiance = signed_in(
        radiance,
        membership=Membership.objects.create(user=member.user, spa=radiance, role="provider"),
    )

    requested = client_for(glow).graphql(REQUEST % "NORA@glow.example")
    reset = client_for(glow).graphql(
        RESET, {**_link(mailoutbox[0]), "password": "brand-new-secret-9"}
    )

    assert requested.data == {"requestPasswordReset": {"errors": []}}
    assert reset.data == {"resetPassword": {"errors": []}}
    member.user.refresh_from_db()
    assert member.user.check_password("brand-new-secret-9")
    assert at_glow.graphql("{ me { email } }").status == 401
    assert at_radiance.graphql("{ me { email } }").status == 401


def test_the_link_works_once(glow, member_of, client_for, mailoutbox):
    member_of(glow, email="nora@glow.example")
    client_for(glow).graphql(REQUEST % "nora@glow.example")
    link = _link(mailoutbox[0])
    client_for(glow).graphql(RESET, {**link, "password": "brand-new-secret-9"})

    again = client_for(glow).graphql(RESET, {**link, "password": "another-secret-99"})

    assert again.data == {
        "resetPassword": {"errors": [{"field": "token", "code": "RESET_LINK_INVALID"}]}
    }


def test_unknown_or_foreign_addresses_get_the_same_answer_and_no_email(
    glow, radiance, member_of, client_for, mailoutbox
):
    member_of(radiance, email="rita@radiance.example")

    unknown = client_for(glow).graphql(REQUEST % "nobody@glow.example")
    foreign = client_for(glow).graphql(REQUEST % "rita@radiance.example")

    assert unknown.data == foreign.data == {"requestPasswordReset": {"errors": []}}
    assert mailoutbox == []


def test_weak_new_password_is_refused(glow, member_of, client_for, mailoutbox):
    member = member_of(glow, email="nora@glow.example")
    client_for(glow).graphql(REQUEST % "nora@glow.example")

    answer = client_for(glow).graphql(RESET, {**_link(mailoutbox[0]), "password": "password"})

    assert answer.data == {
        "resetPassword": {"errors": [{"field": "newPassword", "code": "PASSWORD_TOO_WEAK"}]}
    }
    member.user.refresh_from_db()
    assert not member.user.check_password("password")


def test_garbage_links_are_refused(glow, client_for):
    answer = client_for(glow).graphql(
        RESET, {"uid": "!!", "token": "x-y", "password": "brand-new-secret-9"}
    )

    assert answer.data == {
        "resetPassword": {"errors": [{"field": "token", "code": "RESET_LINK_INVALID"}]}
    }


def test_a_link_asked_for_on_one_spa_is_refused_on_another(
    glow, radiance, member_of, client_for, mailoutbox
):
    # given a person working at both spas who asked for a link on glow's host
    # (addresses of their own: the per-address limit counts across tests)
    member = member_of(glow, email="nina@glow.example")
    Membership.objects.create(user=member.user, spa=radiance, role="provider")
    client_for(glow).graphql(REQUEST % "nina@glow.example")
    link = _link(mailoutbox[0])

    # when the link is used on radiance's host
    elsewhere = client_for(radiance).graphql(RESET, {**link, "password": "brand-new-secret-9"})

    # then it is refused and the password is unchanged; on glow it still works
    assert elsewhere.data == {
        "resetPassword": {"errors": [{"field": "token", "code": "RESET_LINK_INVALID"}]}
    }
    member.user.refresh_from_db()
    assert not member.user.check_password("brand-new-secret-9")
    at_home = client_for(glow).graphql(RESET, {**link, "password": "brand-new-secret-9"})
    assert at_home.data == {"resetPassword": {"errors": []}}
    member.user.refresh_from_db()
    assert member.user.check_password("brand-new-secret-9")


def test_a_link_asked_for_on_the_other_spa_is_refused_the_other_way(
    glow, radiance, member_of, client_for, mailoutbox
):
    # given the same person asking on radiance's host
    member = member_of(glow, email="rhea@glow.example")
    Membership.objects.create(user=member.user, spa=radiance, role="provider")
    client_for(radiance).graphql(REQUEST % "rhea@glow.example")
    link = _link(mailoutbox[0])

    # when the link is used on glow's host, then on radiance's
    elsewhere = client_for(glow).graphql(RESET, {**link, "password": "brand-new-secret-9"})
    at_home = client_for(radiance).graphql(RESET, {**link, "password": "brand-new-secret-9"})

    # then glow refuses it and radiance accepts it
    assert elsewhere.data == {
        "resetPassword": {"errors": [{"field": "token", "code": "RESET_LINK_INVALID"}]}
    }
    assert at_home.data == {"resetPassword": {"errors": []}}


def test_the_emailed_link_names_the_dev_server_port(
    glow, member_of, client_for, mailoutbox, settings
):
    # given the dev server on 8123 (config/settings/dev.py sets DEV_SERVER_PORT)
    settings.DEV_SERVER_PORT = 8123
    member_of(glow, email="pia@glow.example")

    client_for(glow).graphql(REQUEST % "pia@glow.example")

    assert "http://glow.medspa.test:8123/reset-password?uid=" in mailoutbox[0].body


def test_reset_links_are_limited_per_address(glow, member_of, client_for, mailoutbox):
    cache.clear()
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)

    for n in range(5):
        answer = client.graphql(
            'mutation { requestPasswordReset(email: "nora@glow.example") { errors { code } } }',
            REMOTE_ADDR=f"10.7.0.{n}",
        )
        assert answer.data == {"requestPasswordReset": {"errors": []}}  # the same answer throughout

    assert len(mailoutbox) == 3
    cache.clear()
