"""The production path, run for real: gunicorn with platform/gunicorn.conf.py and
config.settings.prod on loopback, against the test database."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tenant_apps.forms.signing import DEV_CERT_FILE, DEV_KEY_FILE, dev_identity_create

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is the answer under test, not something to follow


_opener = urllib.request.build_opener(_NoRedirects)


def _get(port: int, path: str, host: str, **headers: str) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": host, **headers}
    )
    try:
        with _opener.open(request, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def gunicorn(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        db = connection.settings_dict
    # The run's development signing pair, given as files as production gives its own.
    dev_identity_create(Path(settings.FORMS_SIGNING_DEV_DIR))
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DJANGO_SECRET_KEY": "test-prod-secret",
        "DATABASE_URL": f"postgres://{db['USER']}@{quote(str(db['HOST']), safe='')}:{db['PORT']}/{db['NAME']}",
        "CLIENT_IP_HEADER": "REMOTE_ADDR",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "SMS_BACKEND": "twilio",
        "TWILIO_ACCOUNT_SID": "ACtest",
        "TWILIO_AUTH_TOKEN": "test-twilio-token",
        "TWILIO_WEBHOOK_BASE_URL": "https://medspa.test",
        "FORMS_SIGNING_KEY": str(Path(settings.FORMS_SIGNING_DEV_DIR) / DEV_KEY_FILE),
        "FORMS_SIGNING_CERT": str(Path(settings.FORMS_SIGNING_DEV_DIR) / DEV_CERT_FILE),
        **FILES_ENV,
        "ROOT_DOMAIN": "medspa.test",
        "PORT": str(port),
        "WEB_CONCURRENCY": "1",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            "platform/gunicorn.conf.py",
            "config.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _get(port, "/healthz", "medspa.test")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(process.stdout.read().decode() if process.stdout else "gunicorn did not start")
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_production_server_serves_health_spas_and_https_redirects(gunicorn):
    port = gunicorn

    ready = _get(port, "/readyz", "anything.example")
    spa = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/",
        data=b'{"query": "{ spa { slug status } }"}',
        headers={
            "Host": "glow.medspa.test",
            "Content-Type": "application/json",
            "X-Forwarded-Proto": "https",
        },
    )
    with _opener.open(spa, timeout=5) as response:
        body, headers = response.read(), dict(response.headers)
    plain_http = _get(port, "/graphql/", "glow.medspa.test")

    assert ready[:2] == (200, b'{"status": "ok"}')
    assert body == b'{"data":{"spa":{"slug":"glow","status":"ACTIVE"}}}'
    assert len(headers["X-Request-ID"]) == 32
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert plain_http[0] == 301 and plain_http[2]["Location"].startswith(
        "https://glow.medspa.test/"
    )


FILES_ENV = {
    "FILES_BACKEND": "s3",
    "FILES_S3_BUCKET": "medspa-files-test",
    "FILES_S3_REGION": "us-east-1",
    "FILES_S3_ACCESS_KEY_ID": "test-access-key",
    "FILES_S3_SECRET_ACCESS_KEY": "test-secret-key",
}
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "DJANGO_SECRET_KEY": "test-prod-secret",
    "DATABASE_URL": "postgres://medspa@127.0.0.1:9/medspa",
    "CLIENT_IP_HEADER": "REMOTE_ADDR",
    "SMS_BACKEND": "twilio",
    "TWILIO_ACCOUNT_SID": "ACtest",
    "TWILIO_AUTH_TOKEN": "test-twilio-token",
    "TWILIO_WEBHOOK_BASE_URL": "https://medspa.test",
    "FORMS_SIGNING_KEY": "/run/secrets/signing-key.pem",
    "FORMS_SIGNING_CERT": "/run/secrets/signing-cert.pem",
    **FILES_ENV,
}


def _load_prod_settings(**extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key != "EMAIL_BACKEND"
        and not key.startswith(("SMS_", "TWILIO_", "FORMS_SIGNING_", "FILES_"))
    }
    env.update(PROD_ENV, **extra)
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.EMAIL_BACKEND)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("backend", "refusal"),
    [
        (None, "EMAIL_BACKEND must be set in production"),
        ("django.core.mail.backends.console.EmailBackend", "keeps mail on this machine"),
        ("django.core.mail.backends.filebased.EmailBackend", "keeps mail on this machine"),
        ("django.core.mail.backends.locmem.EmailBackend", "keeps mail on this machine"),
    ],
)
def test_production_refuses_to_start_without_a_real_mail_backend(backend, refusal):
    result = _load_prod_settings(**({"EMAIL_BACKEND": backend} if backend else {}))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and refusal in result.stderr


@pytest.mark.parametrize(
    ("override", "refusal"),
    [
        ({"SMS_BACKEND": "console"}, "keeps texts on this machine"),
        ({"SMS_BACKEND": "file"}, "keeps texts on this machine"),
        ({"TWILIO_AUTH_TOKEN": ""}, "TWILIO_AUTH_TOKEN must be set"),
        ({"TWILIO_WEBHOOK_BASE_URL": ""}, "TWILIO_WEBHOOK_BASE_URL must be set"),
    ],
)
def test_production_refuses_to_start_without_twilio(override, refusal):
    result = _load_prod_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", **override
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and refusal in result.stderr


@pytest.mark.parametrize("missing", ["FORMS_SIGNING_KEY", "FORMS_SIGNING_CERT"])
def test_production_refuses_to_start_without_the_signing_key(missing):
    # given production settings with a real mail backend but no signing key or
    # certificate for signed documents
    result = _load_prod_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", **{missing: ""}
    )
    # then they refuse to load (a development key is never made in production)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and f"{missing} must be set" in result.stderr


@pytest.mark.parametrize(
    ("override", "refusal"),
    [
        ({"FILES_BACKEND": "local"}, "keeps patient files on this machine"),
        ({"FILES_S3_BUCKET": ""}, "FILES_S3_BUCKET must be set"),
        ({"FILES_S3_REGION": ""}, "FILES_S3_REGION must be set"),
        ({"FILES_S3_SECRET_ACCESS_KEY": ""}, "FILES_S3_SECRET_ACCESS_KEY must be set"),
    ],
)
def test_production_refuses_to_start_without_an_s3_bucket_for_files(override, refusal):
    result = _load_prod_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", **override
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and refusal in result.stderr


def test_production_starts_with_a_real_mail_backend():
    result = _load_prod_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.mail.backends.smtp.EmailBackend"


def test_the_image_copies_every_application_package():
    # given the top-level Python packages the application imports (tests and
    # benchmarks are not shipped)
    packages = {
        path.parent.name
        for path in ROOT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    # then platform/Dockerfile copies each into the build stage (which installs
    # the project) and into the image
    dockerfile = (ROOT / "platform" / "Dockerfile").read_text()
    built = set(re.findall(r"^COPY (\w+) \./\1$", dockerfile, re.MULTILINE))
    shipped = set(re.findall(r"^COPY --chown=\S+ (\w+) \./\1$", dockerfile, re.MULTILINE))
    assert packages <= built, f"not in the build stage: {sorted(packages - built)}"
    assert packages <= shipped, f"not copied into the image: {sorted(packages - shipped)}"
