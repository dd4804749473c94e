"""Submit-and-sign time of a patient's forms link (issue 21): per run, a fresh
link to a consent with a signature field, then through the HTTP booking
endpoint of a test spa `formRequest` (open with the date of birth) and
`submitFormResponse` (the consent accepted, with a drawn PNG signature); the
median and p95 of the two together, and of each.

The PDF is rendered later by its job (bench/esign.py). The booking API's rate
limit is lifted for the run (one address sends them all).

    .venv/bin/python bench/forms_sign.py --runs 200
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from _django import setup, summary


def signature_png() -> str:
    """A drawn signature as a phone's canvas sends it: 600 x 200, a few strokes."""
    import base64
    import io
    import random

    from PIL import Image, ImageDraw

    rng = random.Random(21)
    image = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    pen = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(20, 120), rng.randint(60, 140)
        points = []
        for _ in range(60):
            x, y = x + rng.randint(2, 9), max(10, min(190, y + rng.randint(-14, 14)))
            points.append((x, y))
        pen.line(points, fill=(20, 20, 60, 255), width=3, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def main(runs: int) -> None:
    from django.conf import settings
    from django.test import Client

    from shared_apps.lifecycle.services import spa_provision
    from tenant_apps.audit.services import Actor
    from tenant_apps.forms.disclosure import DISCLOSURE_VERSION
    from tenant_apps.forms.links import form_request_issue
    from tenants.db import connection
    from tests.tenant_apps.forms.links_setup import DOB, a_setting, a_visit

    settings.BOOKING_RATES = {**settings.BOOKING_RATES, "forms": "1000000/m"}
    spa = spa_provision(
        slug="bench-forms", name="Bench Forms", timezone_name="UTC", owner_email="o@b.example"
    )
    connection.set_tenant(spa)
    setting = a_setting()
    actor = Actor.system("bench")
    tokens = []
    for _ in range(runs):
        visit = a_visit(setting=setting)
        _, token = form_request_issue(
            appointment_id=visit.appointment.pk, channel="email", actor=actor
        )
        tokens.append(token)
    connection.set_schema_to_public()

    http = Client(HTTP_HOST=f"{spa.slug}.{settings.ROOT_DOMAIN}", HTTP_USER_AGENT="bench")
    drawn = signature_png()
    open_query = (
        "query($t: String!, $d: Date!) { formRequest(token: $t, dateOfBirth: $d) "
        "{ forms { itemId kind contentHash } disclosure { version } } }"
    )
    submit = (
        "mutation($t: String!, $d: Date!, $i: ID!, $a: JSONString!, "
        "$s: ElectronicSignatureInput) { submitFormResponse(token: $t, dateOfBirth: $d, "
        "itemId: $i, answers: $a, decision: ACCEPTED, signature: $s) { errors { code } } }"
    )

    def post(query: str, variables: dict) -> dict:
        response = http.post(
            "/booking/graphql/",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
        )
        body = json.loads(response.content)
        assert response.status_code == 200 and not body.get("errors"), body
        return body["data"]

    both, opened, signed = [], [], []
    for token in tokens:
        started = time.perf_counter()
        shown = post(open_query, {"t": token, "d": DOB.isoformat()})["formRequest"]
        middle = time.perf_counter()
        consent = next(f for f in shown["forms"] if f["kind"] == "CONSENT")
        answer = post(
            submit,
            {
                "t": token,
                "d": DOB.isoformat(),
                "i": consent["itemId"],
                "a": json.dumps({"understood": True}),
                "s": {
                    "typedName": "Ava Patient",
                    "drawnImage": drawn,
                    "acceptElectronicRecords": True,
                    "disclosureVersion": shown["disclosure"]["version"],
                    "intent": True,
                },
            },
        )
        ended = time.perf_counter()
        assert answer["submitFormResponse"]["errors"] == [], answer
        assert shown["disclosure"]["version"] == DISCLOSURE_VERSION
        both.append(ended - started)
        opened.append(middle - started)
        signed.append(ended - middle)
    kb = len(drawn) * 3 / 4 / 1024
    print(f"## Submit and sign through /booking/graphql/ ({runs} links, signature PNG {kb:.1f} KB)")
    print(f"  formRequest + submitFormResponse: {summary(both)}")
    print(f"  formRequest (open with DOB):      {summary(opened)}")
    print(f"  submitFormResponse (sign):        {summary(signed)}")
    print(f"  median total {statistics.median(both) * 1000:.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    arguments = parser.parse_args()
    setup()
    main(arguments.runs)
