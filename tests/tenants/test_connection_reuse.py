"""One persistent connection serving spa after spa never reads the wrong schema.

The backend (tenants/postgresql_backend/base.py) skips `SET search_path` when
the connection's session already has the path a request needs. These tests
alternate hosts on one connection and check, from inside PostgreSQL, which
schema each request reads: after plain requests, after a request that failed
in a transaction that had set the path, after a database error, a failed
commit, SQL that changed the path itself, and a connection the server dropped.

The request tests run twice: inside the test's transaction (as most of the
suite does, so a failed request rolls back to a savepoint) and committing, with
the connection persistent and health-checked as in production (CONN_MAX_AGE,
CONN_HEALTH_CHECKS) and Django's request boundaries run around each request, as
a WSGI server runs them (the test client leaves them out).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, close_old_connections, transaction
from django.http import HttpRequest, JsonResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path

from tenants.db import connection
from tenants.models import Spa
from tests.conftest import HostClient, host_of

# Which schema the request's unqualified names read: current_schema(), and the
# schema that the spa table `profile_spaprofile` resolves to (none on public).
WHERE_SQL = """
    SELECT current_schema(), pg_backend_pid(),
           (SELECT relnamespace::regnamespace::text FROM pg_class
            WHERE oid = to_regclass('profile_spaprofile'))
"""


def where_am_i(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute(WHERE_SQL)
        schema, pid, profile_schema = cursor.fetchone()
    return JsonResponse({"schema": schema, "pid": pid, "profile_schema": profile_schema})


def fail_after_reading(request: HttpRequest) -> JsonResponse:
    """Fails in a transaction in which the request's search_path was set."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        raise RuntimeError("fails after its search_path was set in this transaction")


def fail_in_database(request: HttpRequest) -> JsonResponse:
    """A statement PostgreSQL refuses, mid-transaction."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        cursor.execute("SELECT 1 / 0")
    return JsonResponse({})


urlpatterns = [
    path("where/", where_am_i),
    path("fail/", fail_after_reading),
    path("fail-in-database/", fail_in_database),
]

HOSTS = {"glow": host_of("glow"), "radiance": host_of("radiance"), "public": "medspa.test"}


@pytest.fixture
def urls(settings) -> None:
    # Spa hosts use ROOT_URLCONF, the root domain PUBLIC_SCHEMA_URLCONF.
    settings.ROOT_URLCONF = __name__
    settings.PUBLIC_SCHEMA_URLCONF = __name__


@pytest.fixture
def persistent_connection(committing) -> Iterator[None]:
    """Production's connection settings (config/settings/prod.py) on a connection
    opened for the test, restored afterwards."""
    saved = {key: connection.settings_dict[key] for key in ("CONN_MAX_AGE", "CONN_HEALTH_CHECKS")}
    connection.close()  # both are read when a connection opens
    connection.settings_dict.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    yield
    connection.close()
    connection.settings_dict.update(saved)


@pytest.fixture(params=["in the test's transaction", "committing"])
def committing_requests(request, urls) -> bool:
    if request.param == "committing":
        request.getfixturevalue("persistent_connection")
        return True
    request.getfixturevalue("db")
    return False


@pytest.fixture
def schemas(committing_requests) -> dict[str, str]:
    spas = {slug: Spa.objects.get(slug=slug).schema_name for slug in ("glow", "radiance")}
    return {**spas, "public": "public"}


def _getter(*, request_boundaries: bool) -> Callable[..., Any]:
    clients = {
        place: HostClient(host, raise_request_exception=False) for place, host in HOSTS.items()
    }

    def get(place: str, url: str = "/where/") -> Any:
        if not request_boundaries:
            return clients[place].get(url)
        close_old_connections()  # Django's request_started handler
        try:
            return clients[place].get(url)
        finally:
            close_old_connections()  # and request_finished's

    return get


@pytest.fixture
def get(committing_requests) -> Callable[..., Any]:
    """`get(place, path)`: one request to glow, radiance or public; the response."""
    return _getter(request_boundaries=committing_requests)


def _reads(response: Any) -> tuple[str, str | None]:
    assert response.status_code == 200
    body = response.json()
    return body["schema"], body["profile_schema"]


def _expected(schemas: dict[str, str], place: str) -> tuple[str, str | None]:
    return schemas[place], (None if place == "public" else schemas[place])


def test_alternating_spas_on_one_connection_each_read_their_own_schema(get, schemas):
    order = ["glow", "radiance", "public", "glow", "glow", "radiance", "radiance", "public"]
    order += ["public", "glow", "public", "radiance", "glow"]
    pids = set()

    for place in order:
        response = get(place)
        assert _reads(response) == _expected(schemas, place), place
        pids.add(response.json()["pid"])

    assert len(pids) == 1  # all of it on one connection


def test_a_warm_repeated_request_sends_no_set(get, django_assert_num_queries):
    for place in ("radiance", "public", "glow"):
        get(place)  # routing cache warm for each host

    with django_assert_num_queries(1):  # the view's query only
        get("glow")
    with django_assert_num_queries(2):  # SET search_path to radiance's, the query
        get("radiance")
    with django_assert_num_queries(2):  # SET search_path to public, the query
        get("public")
    with django_assert_num_queries(1):
        get("public")


@pytest.mark.parametrize("failing", ["/fail/", "/fail-in-database/"])
def test_a_request_failing_after_it_set_the_path_does_not_mislead_the_next(
    get, schemas, committing_requests, failing
):
    # given the session on radiance, then a glow request that sets glow's path
    # in its transaction and fails: PostgreSQL undoes that SET on rollback, so
    # the session is back on radiance
    assert _reads(get("radiance")) == _expected(schemas, "radiance")
    assert get("glow", failing).status_code == 500

    # when glow is asked again, and then the others
    with CaptureQueriesContext(connection) as queries:
        glow = get("glow")

    # then it reads glow: committing, it sets its path again rather than trust
    # the undone SET. (Inside the test's transaction the view's atomic block is
    # a savepoint, and releasing it after the rollback already set glow's path
    # again, within the failing request.)
    assert _reads(glow) == _expected(schemas, "glow")
    if committing_requests:
        assert queries[0]["sql"].startswith("SET search_path")
    for place in ("radiance", "public", "glow"):
        assert get(place, failing).status_code == 500
        for other in ("glow", "radiance", "public"):
            assert _reads(get(other)) == _expected(schemas, other), (place, other)


@pytest.mark.parametrize(
    "statement",
    [
        'SET search_path TO "{radiance}"',
        "SELECT set_config('search_path', '\"{radiance}\"', false)",
        "RESET ALL",
    ],
)
def test_sql_changing_the_path_itself_is_noticed(get, schemas, statement):
    get("glow")

    # some code changes search_path with its own SQL, behind routing's back
    with connection.cursor() as cursor:
        cursor.execute(statement.format(radiance=schemas["radiance"]))

    assert _reads(get("glow")) == _expected(schemas, "glow")


def test_a_failed_commit_forgets_the_path_set_in_its_transaction(persistent_connection):
    glow, radiance = Spa.objects.get(slug="glow"), Spa.objects.get(slug="radiance")
    connection.set_tenant(radiance)
    with connection.cursor() as cursor:  # the session is on radiance, committed
        cursor.execute(
            "CREATE TEMP TABLE deferred_check (n int UNIQUE DEFERRABLE INITIALLY DEFERRED)"
        )

    # a transaction (managed by hand) sets glow's path, then fails at COMMIT
    # on the deferred check: PostgreSQL rolls it back, and the SET with it
    transaction.set_autocommit(False)
    try:
        connection.set_tenant(glow)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO deferred_check VALUES (1), (1)")
        with pytest.raises(IntegrityError):
            transaction.commit()
    finally:
        transaction.set_autocommit(True)

    connection.set_tenant(glow)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone() == (glow.schema_name,)
        cursor.execute("DROP TABLE deferred_check")
    connection.set_schema_to_public()


def test_a_new_connection_sets_the_path_again(persistent_connection):
    glow = Spa.objects.get(slug="glow")
    connection.set_tenant(glow)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    # a new physical connection, however it is opened, starts on the server's default
    old = connection.connection
    connection.connect()
    old.close()

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone() == (glow.schema_name,)
    connection.set_schema_to_public()


def test_a_connection_the_server_dropped_is_replaced_and_set_again(persistent_connection, urls):
    get = _getter(request_boundaries=True)
    glow_schema = Spa.objects.get(slug="glow").schema_name
    first = get("glow").json()["pid"]

    # the server ends the session (a restart, a failover, an idle timeout)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s::integer)", [first])

    # the health check at the next request's first query opens a new connection
    response = get("glow")
    assert _reads(response) == (glow_schema, glow_schema)
    assert response.json()["pid"] != first


def test_a_savepoint_rolled_back_after_a_set_in_it(glow, radiance):
    # given the session on radiance
    connection.set_tenant(radiance)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    # when a savepoint switches to glow (its SET inside the savepoint) and fails
    with pytest.raises(RuntimeError), transaction.atomic():
        connection.set_tenant(glow)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        raise RuntimeError("undo")

    # then glow, chosen again, is glow (whatever the savepoint's release after
    # the rollback sent meanwhile)
    connection.set_tenant(glow)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        assert cursor.fetchone() == (glow.schema_name,)
