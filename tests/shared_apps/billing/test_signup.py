"""Self-serve signup on the root domain, and the plans on offer."""

from datetime import timedelta

import pytest
from django.db import connection as django_connection
from django.utils import timezone
from django_tenants.utils import schema_exists

from shared_apps.accounts.models import ApiToken, Membership, User
from shared_apps.billing.models import Plan, Subscription
from tenants.models import Spa, SpaStatusChange
from tests.conftest import HostClient
from tests.factories import PASSWORD, UserFactory

SIGN_UP = """
mutation SignUp($spaName: String!, $slug: String!, $ownerName: String!, $email: String!,
                $password: String!, $plan: String!, $timezone: String) {
  signUp(spaName: $spaName, slug: $slug, ownerName: $ownerName, email: $email,
         password: $password, plan: $plan, timezone: $timezone) {
    spa { name slug url graphqlUrl }
    token
    errors { field code message }
  }
}
"""


def _input(**overrides):
    return {
        "spaName": "Lumen Skin",
        "slug": "lumen",
        "ownerName": "Lena Lumen",
        "email": "Lena@Lumen.example",
        "password": "a-long-unusual-passphrase",
        "plan": "growth",
        "timezone": "America/Chicago",
        **overrides,
    }


@pytest.mark.usefixtures("committing")
def test_sign_up_opens_a_trialing_spa_with_its_owner_and_a_token(platform_client, mailoutbox):
    # when someone signs up
    answer = platform_client.graphql(SIGN_UP, _input())

    # then the spa is trialing with the plan's trial and its URL comes back
    payload = answer.data["signUp"]
    assert payload["errors"] == []
    assert payload["spa"] == {
        "name": "Lumen Skin",
        "slug": "lumen",
        "url": "https://lumen.medspa.test/",
        "graphqlUrl": "https://lumen.medspa.test/graphql/",
    }
    spa = Spa.objects.get(slug="lumen")
    assert (spa.status, spa.timezone, spa.owner_email) == (
        "trialing",
        "America/Chicago",
        "lena@lumen.example",
    )
    subscription = Subscription.objects.get(spa=spa)
    assert (subscription.plan.code, subscription.status, subscription.stripe_customer_id) == (
        "growth",
        "trialing",
        None,
    )
    expected_end = timezone.now() + timedelta(days=14)
    assert abs(subscription.trial_end - expected_end) < timedelta(minutes=1)
    assert SpaStatusChange.objects.filter(spa=spa).get().cause == "provisioning"
    # the owner chose a password: no set-password email
    assert mailoutbox == []

    # and the token works on the new spa's API, as its owner
    owner = HostClient("lumen.medspa.test", HTTP_AUTHORIZATION=f"Bearer {payload['token']}")
    me = owner.graphql("{ me { email name role } billing { status plan { code } trialEndsAt } }")
    assert me.data["me"] == {"email": "lena@lumen.example", "name": "Lena Lumen", "role": "OWNER"}
    assert me.data["billing"]["status"] == "TRIALING"
    assert me.data["billing"]["plan"] == {"code": "growth"}
    # and the password signs in there too
    login = HostClient("lumen.medspa.test").graphql(
        'mutation { login(email: "lena@lumen.example", password: "a-long-unusual-passphrase")'
        " { token errors { code } } }"
    )
    assert login.data["login"]["errors"] == []


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"slug": "glow"}, "slug", "SLUG_TAKEN"),
        ({"slug": "www"}, "slug", "SLUG_RESERVED"),
        ({"slug": "Not A Slug"}, "slug", "SLUG_INVALID"),
        ({"slug": ""}, "slug", "SLUG_REQUIRED"),
        ({"spaName": "  "}, "spaName", "NAME_REQUIRED"),
        ({"ownerName": "x" * 151}, "ownerName", "NAME_TOO_LONG"),
        ({"email": "not-an-email"}, "email", "EMAIL_INVALID"),
        ({"password": "password"}, "password", "PASSWORD_TOO_WEAK"),
        ({"password": "12345678901234"}, "password", "PASSWORD_TOO_WEAK"),
        ({"plan": "platinum"}, "plan", "PLAN_NOT_FOUND"),
        ({"timezone": "Mars/Olympus"}, "timezone", "TIMEZONE_INVALID"),
    ],
)
def test_sign_up_checks_everything_before_creating_anything(
    glow, platform_client, overrides, field, code
):
    answer = platform_client.graphql(SIGN_UP, _input(**overrides))

    assert answer.status == 200
    payload = answer.data["signUp"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)]
    assert payload["token"] is None and payload["spa"] is None
    assert not User.objects.filter(email="lena@lumen.example").exists()
    assert not Spa.objects.filter(slug="lumen").exists()


def test_a_retired_plan_cannot_be_chosen(db, platform_client):
    Plan.objects.filter(code="growth").update(active=False)

    answer = platform_client.graphql(SIGN_UP, _input())

    assert [e["code"] for e in answer.data["signUp"]["errors"]] == ["PLAN_NOT_FOUND"]


def test_every_problem_is_reported_at_once(db, platform_client):
    answer = platform_client.graphql(
        SIGN_UP, _input(slug="glow", email="nope", password="1234", plan="x")
    )

    codes = {e["field"]: e["code"] for e in answer.data["signUp"]["errors"]}
    assert codes == {
        "slug": "SLUG_TAKEN",
        "email": "EMAIL_INVALID",
        "password": "PASSWORD_TOO_WEAK",
        "plan": "PLAN_NOT_FOUND",
    }


@pytest.mark.usefixtures("committing")
def test_a_failure_after_the_account_was_made_leaves_no_account_and_no_spa(platform_client):
    # given the schema of a spa long gone still sits at spa_ghost: provisioning
    # refuses to adopt it, after signup has made the owner's account
    with django_connection.cursor() as cursor:
        cursor.execute("CREATE SCHEMA spa_ghost")
    try:
        answer = platform_client.graphql(SIGN_UP, _input(slug="ghost"))

        assert [e["code"] for e in answer.data["signUp"]["errors"]] == ["SLUG_TAKEN"]
        assert not User.objects.filter(email="lena@lumen.example").exists()
        assert not Spa.objects.filter(slug="ghost").exists()
    finally:
        with django_connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA spa_ghost")


@pytest.mark.usefixtures("committing")
def test_a_failure_while_opening_the_spa_leaves_nothing_behind(platform_client):
    # given the database refuses to store the spa's subscription (the last step:
    # schema built, owner's membership made, in the transaction that opens it)
    with django_connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse_subscription() RETURNS trigger LANGUAGE plpgsql AS"
            " $$ BEGIN RAISE EXCEPTION 'refused for the test'; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER refuse_subscription BEFORE INSERT ON billing_subscription"
            " FOR EACH ROW EXECUTE FUNCTION refuse_subscription()"
        )
    try:
        answer = platform_client.graphql(SIGN_UP, _input())
    finally:
        with django_connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER refuse_subscription ON billing_subscription")
            cursor.execute("DROP FUNCTION refuse_subscription()")

    # then the request failed, and no spa, schema, account, membership or token remains
    assert answer.error_codes == ["INTERNAL_ERROR"]
    assert answer.data == {"signUp": None}
    assert not Spa.objects.filter(slug="lumen").exists()
    assert not schema_exists("spa_lumen")
    assert not User.objects.filter(email="lena@lumen.example").exists()
    assert not Membership.objects.filter(user__email="lena@lumen.example").exists()
    assert not ApiToken.objects.filter(membership__user__email="lena@lumen.example").exists()


@pytest.mark.usefixtures("committing")
def test_someone_with_an_account_adds_a_spa_with_its_password(platform_client):
    person = UserFactory(email="lena@lumen.example", name="Lena Lumen")

    wrong = platform_client.graphql(SIGN_UP, _input(password="not-her-password"))
    right = platform_client.graphql(SIGN_UP, _input(password=PASSWORD, ownerName="Ignored"))

    assert [e["code"] for e in wrong.data["signUp"]["errors"]] == ["EMAIL_TAKEN"]
    assert right.data["signUp"]["errors"] == []
    membership = Membership.objects.get(spa__slug="lumen")
    assert (membership.user_id, membership.role) == (person.pk, "owner")
    person.refresh_from_db()
    assert person.name == "Lena Lumen" and person.check_password(PASSWORD)


def test_sign_up_is_rate_limited_per_client_address(db, platform_client, settings):
    settings.SIGNUP_RATE_PER_IP = "2/h"
    # (invalid signups: refused fast, but counted all the same)
    attempts = [platform_client.graphql(SIGN_UP, _input(slug="glow")) for _ in range(2)]

    third = platform_client.graphql(SIGN_UP, _input(slug="glow"))

    assert [a.status for a in attempts] == [200, 200]
    assert third.status == 429
    assert third.error_codes == ["RATE_LIMITED"]
    assert int(third.headers["Retry-After"]) > 0
    # another address is not limited
    other = platform_client.graphql(SIGN_UP, _input(slug="glow"), REMOTE_ADDR="10.0.0.9")
    assert other.status == 200


def test_aliased_sign_ups_count_one_by_one(db, platform_client, settings):
    settings.SIGNUP_RATE_PER_IP = "2/h"
    fields = " ".join(
        f'a{n}: signUp(spaName: "X", slug: "glow", ownerName: "Y", email: "a@b.example", '
        f'password: "p", plan: "starter") {{ errors {{ code }} }}'
        for n in range(3)
    )

    answer = platform_client.graphql(f"mutation {{ {fields} }}")

    assert answer.status == 429


def test_plans_lists_the_plans_on_offer(db, platform_client):
    Plan.objects.filter(code="pro").update(active=False)

    answer = platform_client.graphql(
        "{ plans { code name currency monthlyPriceCents includedProviderSeats "
        "extraSeatPriceCents trialDays maxLocations } }"
    )

    assert answer.data["plans"] == [
        {
            "code": "starter",
            "name": "Starter",
            "currency": "usd",
            "monthlyPriceCents": 14900,
            "includedProviderSeats": 2,
            "extraSeatPriceCents": 4900,
            "trialDays": 14,
            "maxLocations": 1,
        },
        {
            "code": "growth",
            "name": "Growth",
            "currency": "usd",
            "monthlyPriceCents": 29900,
            "includedProviderSeats": 5,
            "extraSeatPriceCents": 3900,
            "trialDays": 14,
            "maxLocations": 3,
        },
    ]


def test_sign_up_is_not_on_a_spas_api(glow, client_for):
    answer = client_for(glow).graphql(SIGN_UP, _input())

    assert answer.error_codes == ["GRAPHQL_VALIDATION_FAILED"]
