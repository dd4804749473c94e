"""/healthz and /readyz: on every host, cheap, and revealing nothing."""

import pytest
from django.test import Client

from tenants.db import connection


@pytest.mark.parametrize("host", ["glow.medspa.test", "medspa.test", "unknown.example", "10.0.0.1"])
def test_healthz_answers_on_every_host_without_the_database(db, host, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = Client(HTTP_HOST=host).get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_migrated_and_reuses_a_positive_answer(db, django_assert_num_queries):
    client = Client(HTTP_HOST="unknown.example")
    assert client.get("/readyz").json() == {"status": "ok"}

    with django_assert_num_queries(0):
        assert client.get("/readyz").status_code == 200


def test_readyz_is_unavailable_when_the_template_lacks_a_migration(db):
    with connection.cursor() as cursor:
        cursor.execute('DELETE FROM "_spa_template".django_migrations WHERE app = %s', ["profile"])

    response = Client(HTTP_HOST="glow.medspa.test").get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_readyz_stays_ready_when_the_template_is_ahead_of_this_code(db):
    # a rolling deploy: the release command migrated the template for newer code
    with connection.cursor() as cursor:
        cursor.execute('COMMENT ON SCHEMA "_spa_template" IS %s', ["newer code"])
        cursor.execute(
            'INSERT INTO "_spa_template".django_migrations (app, name, applied) '
            "VALUES ('profile', '9999_from_the_future', now())"
        )

    assert Client(HTTP_HOST="glow.medspa.test").get("/readyz").status_code == 200


def test_readyz_is_unavailable_when_the_database_is_not(committing):
    # a closed connection pointed at a socket directory where no server listens
    real_host = connection.settings_dict["HOST"]
    connection.close()
    connection.settings_dict["HOST"] = "/nonexistent-medspa-socket-dir"
    try:
        response = Client(HTTP_HOST="glow.medspa.test").get("/readyz")
    finally:
        connection.close()
        connection.settings_dict["HOST"] = real_host

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_readyz_is_unavailable_when_a_public_migration_is_missing(db):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app = 'accounts'")

    response = Client(HTTP_HOST="glow.medspa.test").get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
