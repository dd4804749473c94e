"""A request's host decides its spa and schema, and nothing else does."""

import pytest
from django.db.models import F

from tenant_apps.profile.services import profile_update
from tenants.db import connection
from tenants.models import RoutingVersion, Spa, SpaStatus
from tenants.services import domain_add, domain_move, domain_verify, spa_set_status

SPA_QUERY = "{ spa { name slug timezone status profile { contactEmail } } }"


def _set_contact_email(spa: Spa, email: str) -> None:
    connection.set_tenant(spa)
    profile_update(contact_email=email)
    connection.set_schema_to_public()


def test_each_host_reads_its_own_schema(glow, radiance, client_for):
    # given the same table holding a different row in each spa's schema
    _set_contact_email(glow, "hello@glow.example")
    _set_contact_email(radiance, "hi@radiance.example")

    # when each spa's host is asked
    glow_answer = client_for(glow).graphql(SPA_QUERY)
    radiance_answer = client_for(radiance).graphql(SPA_QUERY)

    # then each sees only its own spa and its own row
    assert glow_answer.status == 200
    assert glow_answer.data["spa"] == {
        "name": "Glow Aesthetics",
        "slug": "glow",
        "timezone": "America/New_York",
        "status": "ACTIVE",
        "profile": {"contactEmail": "hello@glow.example"},
    }
    assert radiance_answer.data["spa"]["slug"] == "radiance"
    assert radiance_answer.data["spa"]["profile"] == {"contactEmail": "hi@radiance.example"}


@pytest.mark.parametrize(
    "header",
    [
        {"HTTP_X_FORWARDED_HOST": "radiance.medspa.test"},
        {"HTTP_X_TENANT": "radiance"},
        {"HTTP_X_SCHEMA": "spa_radiance"},
        {"HTTP_ORIGIN": "http://radiance.medspa.test"},
    ],
)
def test_no_header_moves_a_request_to_another_spa(glow, radiance, client_for, header):
    _set_contact_email(radiance, "private@radiance.example")

    answer = client_for(glow).graphql(SPA_QUERY, **header)

    assert answer.data["spa"]["slug"] == "glow"
    assert "radiance" not in str(answer.body)


@pytest.fixture(params=["filled", "per host"])
def routing_mode(request, settings) -> str:
    """Routing from a directory filled with every domain, and one host at a time
    (more domains than SPA_ROUTING_FILL_LIMIT): both must route the same."""
    if request.param == "per host":
        settings.SPA_ROUTING_FILL_LIMIT = 0
    return request.param


def test_host_is_matched_case_insensitively_with_port_and_www(glow, client_for, routing_mode):
    for host in (
        "GLOW.medspa.test",
        "glow.medspa.test:8000",
        "www.glow.medspa.test",
        "glow.medspa.test.",
    ):
        assert client_for(host).graphql("{ spa { slug } }").data == {"spa": {"slug": "glow"}}, host


@pytest.mark.parametrize(
    "host",
    [
        "unknown.medspa.test",
        "glow.medspa.test.evil.example",
        "medspa.test.evil.example",
        "spa_glow",
        "glow",
    ],
)
def test_unknown_host_is_404_with_json_for_the_api(db, client_for, host, routing_mode):
    answer = client_for(host).graphql("{ spa { slug } }")

    assert answer.status == 404
    assert answer.error_codes == ["SPA_NOT_FOUND"]
    assert host not in str(answer.body)


def test_unknown_host_is_plain_404_outside_the_api(db, client_for):
    response = client_for("nobody.medspa.test").get("/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_malformed_host_header_is_404(db, client_for):
    response = client_for("bad host!").post("/graphql/", data="{}", content_type="application/json")
    assert response.status_code == 404


@pytest.mark.parametrize("host", ["medspa.test", "www.medspa.test"])
def test_root_domain_serves_the_public_api(db, client_for, host):
    answer = client_for(host).graphql('{ slugAvailability(slug: "glow") { available code } }')

    assert answer.status == 200
    assert answer.data == {"slugAvailability": {"available": False, "code": "SLUG_TAKEN"}}
    # and the spa API is not there
    assert client_for(host).graphql("{ spa { slug } }").error_codes == ["GRAPHQL_VALIDATION_FAILED"]


def test_www_custom_domain_registered_as_such_routes(glow, radiance, client_for, routing_mode):
    domain_add(spa=glow, domain="www.glowclinic.example", verified=True)
    domain_add(spa=radiance, domain="glowclinic.example", verified=True)

    assert client_for("www.glowclinic.example").graphql("{ spa { slug } }").data["spa"] == {
        "slug": "glow"
    }
    assert client_for("glowclinic.example").graphql("{ spa { slug } }").data["spa"] == {
        "slug": "radiance"
    }


def test_custom_domain_routes_only_once_verified(glow, client_for, routing_mode):
    domain = domain_add(spa=glow, domain="Book.GlowClinic.example")
    assert client_for("book.glowclinic.example").graphql("{ spa { slug } }").status == 404

    domain_verify(domain=domain)

    assert client_for("book.glowclinic.example").graphql("{ spa { slug } }").data == {
        "spa": {"slug": "glow"}
    }


def test_routing_cache_is_invalidated_when_a_domain_moves(glow, radiance, client_for, routing_mode):
    # given a custom domain of glow, routed and cached
    domain = domain_add(spa=glow, domain="book.shared-brand.example", verified=True)
    client = client_for("book.shared-brand.example")
    assert client.graphql("{ spa { slug } }").data["spa"]["slug"] == "glow"

    # when it moves to radiance
    domain_move(domain=domain, to_spa=radiance)

    # then the very next request goes to radiance
    assert client.graphql("{ spa { slug } }").data["spa"]["slug"] == "radiance"


def test_warm_routing_costs_no_query(glow, client_for, django_assert_num_queries):
    client = client_for(glow)
    # cold: every domain with its spa in one query (the connection is on public
    # already: the glow fixture read it there), SET search_path spa, profile read
    with django_assert_num_queries(3):
        client.graphql("{ spa { slug profile { contactEmail } } }")
    # warm: no lookup, and the connection still has the spa's search_path:
    # the profile read only (tests/tenants/test_connection_reuse.py has the rest)
    with django_assert_num_queries(1):
        client.graphql("{ spa { slug profile { contactEmail } } }")


def test_a_cold_process_learns_every_spa_from_one_query(
    glow, radiance, client_for, django_assert_num_queries
):
    # the first request fills the directory: the domains, SET search_path, profile
    with django_assert_num_queries(3) as first:
        client_for(glow).graphql("{ spa { slug profile { contactEmail } } }")
    assert "verified_at" in first.captured_queries[0]["sql"]
    # another spa's first request asks nothing about routing: SET search_path, profile
    with django_assert_num_queries(2) as second:
        answer = client_for(radiance).graphql("{ spa { slug profile { contactEmail } } }")
    assert answer.data["spa"]["slug"] == "radiance"
    assert "tenants_domain" not in " ".join(q["sql"] for q in second.captured_queries)
    # and a host nobody has is known to be nobody's without asking
    with django_assert_num_queries(0):
        assert client_for("nobody.medspa.test").graphql("{ spa { slug } }").status == 404


def test_past_the_fill_limit_each_host_is_looked_up_alone(
    glow, radiance, client_for, settings, django_assert_num_queries
):
    settings.SPA_ROUTING_FILL_LIMIT = 1  # the session's spas and these two are more
    # the first request tries the fill once (limit + 1 rows: too many), then asks for its host
    with django_assert_num_queries(4):
        client_for(glow).graphql("{ spa { slug profile { contactEmail } } }")
    # later cold hosts cost their own lookup only: the fill is not tried again within
    # the TTL (SET public from glow's path, the lookup, SET search_path, profile)
    with django_assert_num_queries(4) as radiance_queries:
        answer = client_for(radiance).graphql("{ spa { slug profile { contactEmail } } }")
    assert answer.data["spa"]["slug"] == "radiance"
    assert "IN ('radiance.medspa.test')" in radiance_queries.captured_queries[1]["sql"]
    # an unknown host: SET public from radiance's path, its lookup; then remembered
    with django_assert_num_queries(2):
        assert client_for("nobody.medspa.test").graphql("{ spa { slug } }").status == 404
    with django_assert_num_queries(0):
        assert client_for("nobody.medspa.test").graphql("{ spa { slug } }").status == 404


def test_a_filled_directory_is_refilled_after_the_ttl(glow, client_for, settings):
    settings.SPA_ROUTING_CACHE_TTL = 0  # every route expires at once
    client = client_for(glow)
    assert client.graphql("{ spa { status } }").data == {"spa": {"status": "ACTIVE"}}

    Spa.objects.filter(pk=glow.pk).update(status=SpaStatus.SUSPENDED)  # around the services

    assert client.graphql("{ spa { status } }").data == {"spa": {"status": "SUSPENDED"}}


def test_provisioning_spa_answers_503(glow, client_for):
    Spa.objects.filter(pk=glow.pk).update(status=SpaStatus.PROVISIONING)

    answer = client_for(glow).graphql("{ spa { slug } }")

    assert answer.status == 503
    assert answer.error_codes == ["SPA_PROVISIONING"]
    assert answer.headers["Retry-After"] == "5"


def test_closed_spa_answers_410(glow, client_for):
    spa_set_status(spa=glow, status=SpaStatus.CLOSED, reason="owner retired")

    answer = client_for(glow).graphql("{ spa { slug } }")

    assert answer.status == 410
    assert answer.error_codes == ["SPA_CLOSED"]


def test_past_due_spa_works_with_a_warning(glow, client_for):
    spa_set_status(spa=glow, status=SpaStatus.PAST_DUE, reason="card declined")

    answer = client_for(glow).graphql("{ spa { status } }")

    assert answer.status == 200
    assert answer.data == {"spa": {"status": "PAST_DUE"}}
    assert answer.body["extensions"]["spaStatus"]["code"] == "SPA_PAST_DUE"


def test_active_spa_has_no_status_warning(glow, client_for):
    assert "extensions" not in client_for(glow).graphql("{ spa { status } }").body


def test_api_sets_no_cookies(glow, client_for):
    response = client_for(glow).graphql("{ spa { slug } }")
    assert not response.headers.cookies


def test_other_processes_see_a_suspension_within_the_version_interval(glow, client_for, settings):
    # given a process that has glow cached as active
    settings.SPA_ROUTING_VERSION_INTERVAL = 0  # check the version on every request
    client = client_for(glow)
    assert client.graphql("{ spa { status } }").data == {"spa": {"status": "ACTIVE"}}

    # when another process suspends it (a row update and a version bump, without
    # touching this process's cache)
    Spa.objects.filter(pk=glow.pk).update(status=SpaStatus.SUSPENDED)
    RoutingVersion.objects.filter(pk=1).update(version=F("version") + 1)

    # then this process sees it on the next request
    assert client.graphql("{ spa { status } }").data == {"spa": {"status": "SUSPENDED"}}


def test_without_a_version_change_the_cache_is_trusted(glow, client_for, settings):
    settings.SPA_ROUTING_VERSION_INTERVAL = 0
    client = client_for(glow)
    client.graphql("{ spa { status } }")

    Spa.objects.filter(pk=glow.pk).update(status=SpaStatus.SUSPENDED)  # no version bump

    assert client.graphql("{ spa { status } }").data == {"spa": {"status": "ACTIVE"}}


def test_services_bump_the_routing_version(glow):
    before = RoutingVersion.objects.get().version

    spa_set_status(spa=glow, status=SpaStatus.SUSPENDED)
    domain_add(spa=glow, domain="book.glow.example")

    assert RoutingVersion.objects.get().version == before + 2
