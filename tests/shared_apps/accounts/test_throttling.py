"""Brute force: failures are counted per account and per client address, one per
authenticate() call, however the attempts are packed into requests."""

from axes.models import AccessAttempt

from shared_apps.accounts.models import Role
from tests.factories import PASSWORD

LOGIN = 'login(email: "{email}", password: "{password}") {{ token errors {{ code }} }}'


def _attempt(client, email, password, **extra):
    return client.graphql(
        "mutation { " + LOGIN.format(email=email, password=password) + " }", **extra
    ).data["login"]


def test_account_locks_after_ten_failures_even_with_the_right_password(glow, member_of, client_for):
    member_of(glow, Role.MANAGER, email="nora@glow.example")
    client = client_for(glow)
    # from different addresses, so only the per-account count can lock
    codes = [
        _attempt(client, "nora@glow.example", "guess", REMOTE_ADDR=f"10.0.0.{n}")["errors"][0][
            "code"
        ]
        for n in range(10)
    ]
    locked = _attempt(client, "NORA@glow.example", PASSWORD, REMOTE_ADDR="10.0.1.1")

    # the tenth failure locks the account, and then the right password is refused too
    assert codes == ["INVALID_CREDENTIALS"] * 9 + ["TOO_MANY_ATTEMPTS"]
    assert locked == {"token": None, "errors": [{"code": "TOO_MANY_ATTEMPTS"}]}


def test_aliased_attempts_in_one_request_count_one_by_one(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)
    aliased = " ".join(
        f"a{i}: " + LOGIN.format(email="nora@glow.example", password=f"guess{i}") for i in range(10)
    )

    batch = client.graphql("mutation { " + aliased + " }")
    locked = _attempt(client, "nora@glow.example", PASSWORD, REMOTE_ADDR="10.9.9.9")

    assert [batch.data[f"a{i}"]["errors"][0]["code"] for i in range(10)] == [
        "INVALID_CREDENTIALS"
    ] * 9 + ["TOO_MANY_ATTEMPTS"]
    assert locked["errors"] == [{"code": "TOO_MANY_ATTEMPTS"}]


def test_more_aliases_than_the_limit_are_refused_outright(glow, client_for):
    aliased = " ".join(
        f"a{i}: " + LOGIN.format(email="x@glow.example", password="p") for i in range(31)
    )

    answer = client_for(glow).graphql("mutation { " + aliased + " }")

    assert answer.status == 400
    assert answer.error_codes == ["TOO_MANY_ALIASES"]


def test_an_address_locks_after_ten_failures_across_accounts(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)
    for attempt in range(10):
        _attempt(client, f"spray{attempt}@glow.example", "guess", REMOTE_ADDR="203.0.113.7")

    from_there = _attempt(client, "nora@glow.example", PASSWORD, REMOTE_ADDR="203.0.113.7")
    from_elsewhere = _attempt(client, "nora@glow.example", PASSWORD, REMOTE_ADDR="198.51.100.1")

    assert from_there["errors"] == [{"code": "TOO_MANY_ATTEMPTS"}]
    assert from_elsewhere["token"] and from_elsewhere["errors"] == []


def test_a_success_before_the_limit_resets_the_account_count(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)
    for attempt in range(9):
        _attempt(client, "nora@glow.example", "guess", REMOTE_ADDR=f"10.1.0.{attempt}")
    assert _attempt(client, "nora@glow.example", PASSWORD, REMOTE_ADDR="10.1.1.1")["token"]

    for attempt in range(9):
        _attempt(client, "nora@glow.example", "guess", REMOTE_ADDR=f"10.2.0.{attempt}")

    assert _attempt(client, "nora@glow.example", PASSWORD, REMOTE_ADDR="10.2.1.1")["token"]


def test_login_cannot_be_sent_with_other_mutations(glow, member_of, client_for):
    # a failing mutation alongside would otherwise roll back the failed attempts
    member_of(glow, email="nora@glow.example")

    answer = client_for(glow).graphql(
        "mutation { "
        + LOGIN.format(email="nora@glow.example", password="guess")
        + ' requestPasswordReset(email: "x@y.example") { errors { code } } }'
    )

    assert answer.status == 400
    assert answer.error_codes == ["BAD_REQUEST"]


def test_failed_attempts_stand_although_the_mutation_reports_an_error(glow, member_of, client_for):
    from axes.models import AccessAttempt

    member_of(glow, email="nora@glow.example")

    _attempt(client_for(glow), "nora@glow.example", "guess")

    assert AccessAttempt.objects.filter(username="nora@glow.example").count() == 1


SIGN_IN = (
    'mutation {{ login(email: "{email}", password: "{password}") {{ token errors {{ code }} }} }}'
)


def _sign_in(client, email, password=PASSWORD, **extra):
    return client.graphql(SIGN_IN.format(email=email, password=password), **extra).data["login"]


def test_a_login_inside_a_fragment_is_refused_and_cannot_dodge_the_count(
    glow, member_of, client_for
):
    member_of(glow, email="nora@glow.example")
    client = client_for(glow)

    wrapped = client.graphql(
        'mutation { ... on Mutation { login(email: "nora@glow.example", password: "guess") '
        "{ token errors { code } } } }"
    )

    assert wrapped.status == 400
    assert wrapped.error_codes == ["BAD_REQUEST"]


def test_signing_in_to_ones_own_account_does_not_clear_failures_against_another(
    glow, radiance, member_of, client_for
):
    # given 9 guesses at a victim from the attacker's address, then the attacker
    # signing in to their own account from there (which used to clear every
    # failure from that address)
    member_of(glow, email="victim@glow.example")
    member_of(radiance, email="mallory@radiance.example")
    for n in range(9):
        _sign_in(client_for(glow), "victim@glow.example", f"guess-{n}")
    assert _sign_in(client_for(radiance), "mallory@radiance.example")["token"]

    # when the attacker guesses once more
    tenth = _sign_in(client_for(glow), "victim@glow.example", "guess-9")

    # then that is the tenth failure: the victim's account is locked, from anywhere
    assert tenth["errors"] == [{"code": "TOO_MANY_ATTEMPTS"}]
    assert _sign_in(client_for(glow), "victim@glow.example", REMOTE_ADDR="192.0.2.55")[
        "errors"
    ] == [{"code": "TOO_MANY_ATTEMPTS"}]


def test_a_success_clears_only_that_accounts_failures(glow, member_of, client_for):
    member_of(glow, email="nora@glow.example")
    for n in range(9):
        _sign_in(client_for(glow), "nora@glow.example", f"guess-{n}", REMOTE_ADDR=f"10.3.0.{n}")

    assert _sign_in(client_for(glow), "nora@glow.example", REMOTE_ADDR="10.3.1.1")["token"]
    assert not AccessAttempt.objects.filter(username="nora@glow.example").exists()
