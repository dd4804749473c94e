"""Signed PDFs (issue 21): the time the job `forms.render_signed_document`
takes per response, and its parts.

    .venv/bin/python bench/esign.py [--responses 120]

A spa with a realistic neurotoxin consent (three sections, conditions, a
markdown risks block, initials, a signature with a drawn image: the
tests' fixture, tests/tenant_apps/forms/documents.py), `--responses` patients who
signed it through `form_response_record`. Then, for each response:

1. the whole job as the worker runs it (`signed_document_create` in one
   transaction: load, render, sign, store the PDF in the spa's folder, the
   SignedDocument row, the copy link and its email);
2. its parts on the same content: render (fpdf2), sign (pyHanko, PAdES), and
   verify (what a check of the stored file costs).

Prints median, p95, min and max of each, and the PDF's size. A throw-away
embedded PostgreSQL with fsync on (config/settings/bench.py), or DATABASE_URL's
server (a scratch database); files in a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from typing import cast

from _django import setup, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=120)
    args = parser.parse_args()
    os.environ.setdefault("FILES_ROOT", tempfile.mkdtemp(prefix="medspa-bench-files-"))
    os.environ.setdefault("FORMS_SIGNING_DEV_DIR", tempfile.mkdtemp(prefix="medspa-bench-sign-"))
    setup()

    from django.db import transaction

    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.clients.models import Client
    from tenant_apps.forms.document_tasks import document_content, signed_document_create
    from tenant_apps.forms.models import FormResponse
    from tenant_apps.forms.pdf import pdf_render
    from tenant_apps.forms.signing import pdf_sign, pdf_verify, signing_identity
    from tenants.db import connection
    from tests.tenant_apps.clients.factories import ClientFactory
    from tests.tenant_apps.forms.signed_setup import DOB, a_consent_version, a_signed_response

    spa = spa_provision(
        slug=f"bench-esign-{int(time.time())}",
        name="Bench Esign Aesthetics",
        timezone_name="America/New_York",
        owner_email="o@b.example",
    )
    connection.set_tenant(spa)
    signing_identity()  # the development key is made once, before timing
    version = a_consent_version()
    ids = [
        a_signed_response(client=cast(Client, ClientFactory(date_of_birth=DOB)), version=version).pk
        for _ in range(args.responses)
    ]

    job, render, sign, verify, sizes = [], [], [], [], []
    for response_id in ids:
        started = time.perf_counter()
        with transaction.atomic():
            document = signed_document_create(response_id=response_id)
        job.append(time.perf_counter() - started)
        assert document is not None

        response = FormResponse.objects.select_related(
            "version", "client", "signature__drawn_image"
        ).get(pk=response_id)
        content = document_content(response=response, spa=spa)
        started = time.perf_counter()
        unsigned = pdf_render(content)
        render.append(time.perf_counter() - started)
        started = time.perf_counter()
        signed = pdf_sign(unsigned)
        sign.append(time.perf_counter() - started)
        started = time.perf_counter()
        assert pdf_verify(signed).ok
        verify.append(time.perf_counter() - started)
        sizes.append(len(signed))

    print(f"## Signed PDFs: {args.responses} signed consents (with a drawn signature)")
    print(f"  job, whole (render + sign + store + rows + copy email): {summary(job)}")
    print(f"  render (fpdf2):                                         {summary(render)}")
    print(f"  sign (pyHanko PAdES, RSA-2048, sha256):                 {summary(sign)}")
    print(f"  verify (pyHanko, our certificate as trust root):        {summary(verify)}")
    print(f"  signed PDF size: median {statistics.median(sizes) / 1024:.1f} KB")


if __name__ == "__main__":
    main()
