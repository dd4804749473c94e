"""Slugs, schema names and hostnames: refused with a clear code and message."""

import pytest
from django.core.exceptions import ValidationError

from tenants.validators import (
    normalize_hostname,
    schema_name_for_slug,
    validate_hostname,
    validate_slug,
)


@pytest.mark.parametrize("slug", ["glow", "glow-spa", "spa2", "a", "7th-heaven", "x" * 40])
def test_good_slugs_pass(slug):
    validate_slug(slug)


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("", "SLUG_REQUIRED"),
        ("Glow", "SLUG_INVALID"),
        ("glow_spa", "SLUG_INVALID"),
        ("glow spa", "SLUG_INVALID"),
        ("-glow", "SLUG_INVALID"),
        ("glow-", "SLUG_INVALID"),
        ("glow--spa", "SLUG_INVALID"),
        ("xn--glw-qqa", "SLUG_INVALID"),
        ("glöw", "SLUG_INVALID"),
        ("glow.spa", "SLUG_INVALID"),
        ("x" * 41, "SLUG_INVALID"),
        ("glow;drop", "SLUG_INVALID"),
        ("www", "SLUG_RESERVED"),
        ("admin", "SLUG_RESERVED"),
        ("api", "SLUG_RESERVED"),
        ("console", "SLUG_RESERVED"),
        ("template", "SLUG_RESERVED"),
    ],
)
def test_bad_slugs_are_refused_with_a_code(slug, code):
    with pytest.raises(ValidationError) as error:
        validate_slug(slug)
    assert error.value.code == code
    assert error.value.messages[0].endswith(".")


def test_schema_name_is_derived_from_the_slug_injectively():
    assert schema_name_for_slug("glow") == "spa_glow"
    assert schema_name_for_slug("glow-spa") == "spa_glow_spa"
    with pytest.raises(ValidationError):
        schema_name_for_slug("public")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [("Book.Glow.Example.", "book.glow.example"), ("bücher.example", "xn--bcher-kva.example")],
)
def test_hostnames_are_normalised(raw, normal):
    assert normalize_hostname(raw) == normal


@pytest.mark.parametrize(
    "host", ["localhost", "bad_host.example", "-x.example", "a..b", "x" * 64 + ".example"]
)
def test_bad_hostnames_are_refused(host):
    with pytest.raises(ValidationError) as error:
        validate_hostname(host)
    assert error.value.code == "DOMAIN_INVALID"
