"""Status changes and custom domains through the services."""

import pytest
from django.core.exceptions import ValidationError

from tenants.models import Domain, SpaStatus
from tenants.services import domain_add, domain_move, domain_remove, spa_set_status


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "past_due"),
        ("past_due", "active"),
        ("trialing", "active"),
        ("past_due", "suspended"),
        ("active", "closed"),
    ],
)
def test_allowed_status_changes(glow, start, target):
    glow.status = start
    glow.save()

    changed = spa_set_status(spa=glow, status=target, reason="billing")

    assert changed.status == target
    glow.refresh_from_db()
    assert (glow.status, glow.status_reason) == (target, "billing")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("closed", "active"),
        ("active", "provisioning"),
        ("suspended", "provisioning"),
        ("active", "trialing"),
        ("provisioning", "active"),
        ("provisioning", "trialing"),
    ],
)
def test_refused_status_changes(glow, start, target):
    glow.status = start
    glow.save()

    with pytest.raises(ValidationError) as error:
        spa_set_status(spa=glow, status=target)

    assert error.value.error_dict["status"][0].code == "STATUS_TRANSITION_INVALID"
    glow.refresh_from_db()
    assert glow.status == start


def test_unknown_status_is_refused(glow):
    with pytest.raises(ValidationError) as error:
        spa_set_status(spa=glow, status="frozen")
    assert error.value.error_dict["status"][0].code == "STATUS_INVALID"


def test_setting_the_same_status_is_a_no_op(glow):
    before = glow.status_changed_at
    assert spa_set_status(spa=glow, status=SpaStatus.ACTIVE).status_changed_at == before


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("not a domain", "DOMAIN_INVALID"),
        ("medspa.test", "DOMAIN_RESERVED"),
        ("www.medspa.test", "DOMAIN_RESERVED"),
        ("radiance.medspa.test", "DOMAIN_RESERVED"),
        ("anything.medspa.test", "DOMAIN_RESERVED"),
    ],
)
def test_custom_domains_are_validated(glow, domain, code):
    with pytest.raises(ValidationError) as error:
        domain_add(spa=glow, domain=domain)
    assert error.value.error_dict["domain"][0].code == code


def test_a_domain_belongs_to_one_spa(glow, radiance):
    domain_add(spa=glow, domain="book.glow.example")

    with pytest.raises(ValidationError) as error:
        domain_add(spa=radiance, domain="BOOK.glow.example")

    assert error.value.error_dict["domain"][0].code == "DOMAIN_TAKEN"
    assert Domain.objects.get(domain="book.glow.example").tenant == glow


def test_primary_custom_domain_replaces_the_subdomain_as_primary(glow):
    domain_add(spa=glow, domain="glowclinic.example", primary=True, verified=True)

    assert list(glow.domains.filter(is_primary=True).values_list("domain", flat=True)) == [
        "glowclinic.example"
    ]


def test_removing_the_primary_domain_restores_the_subdomain(glow):
    custom = domain_add(spa=glow, domain="glowclinic.example", primary=True, verified=True)

    domain_remove(domain=custom)

    assert glow.domains.get(is_primary=True).domain == "glow.medspa.test"


def test_platform_subdomain_cannot_move_or_be_removed(glow, radiance):
    own = glow.domains.get(domain="glow.medspa.test")
    with pytest.raises(ValidationError):
        domain_move(domain=own, to_spa=radiance)
    with pytest.raises(ValidationError):
        domain_remove(domain=own)
    assert Domain.objects.get(domain="glow.medspa.test").tenant == glow


def test_moving_a_primary_domain_restores_the_old_spas_subdomain(glow, radiance):
    custom = domain_add(spa=glow, domain="glowclinic.example", primary=True, verified=True)

    domain_move(domain=custom, to_spa=radiance)

    assert glow.domains.get(is_primary=True).domain == "glow.medspa.test"
    assert radiance.domains.get(is_primary=True).domain == "radiance.medspa.test"
