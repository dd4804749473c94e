"""Test foundation: two spas per session, tests in a transaction on a chosen spa,
and a client that talks to a spa by its host. See tests/README.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.db import connections as _connections
from django.test import Client, TestCase

from shared_apps.accounts.models import Membership
from tenants.db import connection
from tenants.models import Spa
from tenants.routing import directory
from tests.factories import MembershipFactory

# Every transaction writing public and spa rows is put down to its code path.
pytest_plugins = ["tests.two_schema_writes"]

# The spas every test session has, ready to use (slug -> provisioning arguments).
SESSION_SPAS = {
    "glow": {"name": "Glow Aesthetics", "timezone_name": "America/New_York"},
    "radiance": {"name": "Radiance Med Spa", "timezone_name": "America/Los_Angeles"},
}


def host_of(slug: str) -> str:
    return f"{slug}.{settings.ROOT_DOMAIN}"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """The test database (public migrations and the spa template, by our migrate
    command), then the session spas: cheap, each is a template clone.

    Replaces pytest-django's fixture, which only creates databases when some test
    uses its own db fixtures, so that `committing` tests get one too.
    """
    from django.test.utils import setup_databases, teardown_databases

    from shared_apps.lifecycle.services import spa_provision

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        db_config = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases={"default"},
            serialized_aliases=set(),
            keepdb=settings.TEST_DATABASE_REUSE,
        )
        for slug, spec in SESSION_SPAS.items():
            spa_provision(slug=slug, owner_email=f"owner@{slug}.example", **spec)
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        _connections.close_all()
        teardown_databases(db_config, verbosity=verbosity, keepdb=settings.TEST_DATABASE_REUSE)


@pytest.fixture(autouse=True)
def _fresh_routing_and_schema() -> Iterator[None]:
    """Each test starts on the public schema with an empty routing cache (a rolled
    back transaction must not leave a cached spa status behind)."""
    directory.invalidate()
    yield
    directory.invalidate()
    connection.set_schema_to_public()


@pytest.fixture
def glow(db) -> Spa:
    return Spa.objects.get(slug="glow")


@pytest.fixture
def radiance(db) -> Spa:
    return Spa.objects.get(slug="radiance")


@pytest.fixture(autouse=True)
def _spa_marker(request) -> Iterator[None]:
    """`@pytest.mark.spa("glow")`: run the test body on that spa's schema, inside
    the test's transaction."""
    marker = request.node.get_closest_marker("spa")
    if marker is None:
        yield
        return
    request.getfixturevalue("db")
    connection.set_tenant(Spa.objects.get(slug=marker.args[0]))
    yield
    connection.set_schema_to_public()


@pytest.fixture
def committing(django_db_setup, django_db_blocker) -> Iterator[None]:
    """For tests that must commit: provisioning commits between its steps, and
    concurrency needs several connections. Spas and users the test creates, and
    sign-in attempts, are removed afterwards; the session spas must not be
    changed by such a test."""
    from axes.models import AccessAttempt

    from shared_apps.accounts.models import User
    from tenants.provisioning import spa_provision_cancel

    with django_db_blocker.unblock():
        before = set(Spa.objects.values_list("pk", flat=True))
        users_before = set(User.objects.values_list("pk", flat=True))
        yield
        connection.set_schema_to_public()
        for spa in Spa.objects.exclude(pk__in=before):
            if spa.status != "provisioning":
                Spa.objects.filter(pk=spa.pk).update(status="provisioning")
            spa_provision_cancel(spa=spa)
            # Its jobs (committed with its writes) go with it.
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM public.procrastinate_jobs WHERE args->>'spa_schema' = %s",
                    [spa.schema_name],
                )
        User.objects.exclude(pk__in=users_before).delete()
        AccessAttempt.objects.all().delete()


@dataclass
class GraphQLResponse:
    status: int
    body: dict[str, Any]
    headers: Any

    @property
    def data(self) -> dict[str, Any] | None:
        return self.body.get("data")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return self.body.get("errors") or []

    @property
    def error_codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code") for e in self.errors]


class HostClient(Client):
    """A Django test client bound to one host (a spa's, or the root domain)."""

    def __init__(self, host: str, **defaults: Any) -> None:
        super().__init__(HTTP_HOST=host, **defaults)
        self.host = host

    def request(self, **request: Any) -> Any:
        # In production a request's transaction commits when it ends and its
        # on-commit work (emails) runs; here the test's transaction never
        # commits, so run what this request scheduled, as the commit would.
        with TestCase.captureOnCommitCallbacks(execute=True):
            return super().request(**request)

    def graphql(
        self, query: str, variables: dict[str, Any] | None = None, **extra: Any
    ) -> GraphQLResponse:
        payload: dict[str, Any] = {"query": query}
        if variables is not None:
            payload["variables"] = variables
        response = self.post(
            "/graphql/", data=json.dumps(payload), content_type="application/json", **extra
        )
        return GraphQLResponse(response.status_code, json.loads(response.content), response)


@pytest.fixture
def client_for() -> Callable[[Spa | str], HostClient]:
    """`client_for(spa)` or `client_for("any.host")`: a client sending that Host header."""

    def make(target: Spa | str) -> HostClient:
        return HostClient(host_of(target.slug) if isinstance(target, Spa) else target)

    return make


@pytest.fixture
def member_of(db) -> Callable[..., Membership]:
    """`member_of(spa, role="front_desk", **user_fields)`: a new person with that
    role in that spa (password: tests.factories.PASSWORD)."""

    def make(spa: Spa, role: str = "front_desk", **user_fields: Any) -> Membership:
        fields = {f"user__{key}": value for key, value in user_fields.items()}
        membership: Membership = MembershipFactory.create(spa=spa, role=role, **fields)
        return membership

    return make


@pytest.fixture
def signed_in(member_of, client_for) -> Callable[..., HostClient]:
    """`signed_in(spa, role)` or `signed_in(spa, membership=m)`: a client on the
    spa's host sending a fresh bearer token of that member."""
    from shared_apps.accounts.services.tokens import token_issue

    def make(
        spa: Spa, role: str = "front_desk", *, membership: Membership | None = None
    ) -> HostClient:
        membership = membership or member_of(spa, role)
        secret = token_issue(membership=membership).secret
        client = HostClient(host_of(spa.slug), HTTP_AUTHORIZATION=f"Bearer {secret}")
        client.membership = membership  # type: ignore[attr-defined]
        client.token = secret  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture
def platform_client() -> HostClient:
    """A client on the root domain (public schema)."""
    return HostClient(settings.ROOT_DOMAIN)


# --- Browser tests (tests/browser.py) ----------------------------------------------------


@pytest.fixture(scope="session")
def chromium():
    """One headless Chromium for the session (fails, never skips, without one)."""
    from tests.browser import Chromium, chromium_path

    browser = Chromium(chromium_path())
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def live_server_on_spa_hosts(django_db_setup):
    """The project served on 127.0.0.1 (spa hosts and the root domain), for the
    browser; it sees only committed data (use `committing`)."""
    from tests.browser import LiveServer

    server = LiveServer()
    yield server
    server.stop()
