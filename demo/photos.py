"""Demo clinical photos for the current spa: a few clients who signed the
starter photo consent (one of them for marketing too), each with before and
after photos of a past visit. The images are made here (a soft gradient with
the body area, view and phase written on it) and go through the real upload
(tenant_apps/photos/services.py): stripped, thumbnailed, stored in the spa's
folder. Idempotent: a spa with any photo is left as it is."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw
from procrastinate.contrib.django import app

from tenant_apps.audit.services import Actor
from tenant_apps.clients.models import Client
from tenant_apps.forms.evidence import SignatureEvidence
from tenant_apps.forms.models import FormKind, FormVersion, ResponseSource
from tenant_apps.forms.selectors import photo_consent_response
from tenant_apps.forms.services.responses import RENDER_TASK, form_response_record
from tenant_apps.photos.models import BodyArea, Photo, PhotoPhase, PhotoView
from tenant_apps.photos.services import photo_upload
from tenant_apps.scheduling.models import Appointment, AppointmentStatus

# (body area, views, photo scope of the client's consent)
PLAN = [
    (BodyArea.FOREHEAD, (PhotoView.FRONT,), "marketing"),
    (BodyArea.LIPS, (PhotoView.FRONT, PhotoView.LEFT_OBLIQUE), "clinical"),
    (BodyArea.CHEEKS, (PhotoView.LEFT, PhotoView.RIGHT), "clinical"),
]
TINTS = {
    PhotoPhase.BEFORE: ((236, 214, 200), (190, 160, 150)),
    PhotoPhase.AFTER: ((244, 226, 214), (214, 186, 172)),
}


def demo_image(label: str, phase: str, size: tuple[int, int] = (900, 1200)) -> bytes:
    """A soft vertical gradient with `label` written on it, as a JPEG."""
    top, bottom = TINTS[PhotoPhase(phase)]
    mask = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)
    draw = ImageDraw.Draw(image)
    draw.ellipse(
        (size[0] * 0.2, size[1] * 0.15, size[0] * 0.8, size[1] * 0.75),
        outline=(150, 120, 110),
        width=6,
    )
    draw.text((40, size[1] - 120), label, fill=(80, 60, 55), font_size=48)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def _consent(client: Client, scope: str, version: FormVersion, when: dt.datetime) -> None:
    if photo_consent_response(client_id=client.pk) is not None:
        return
    if RENDER_TASK not in app.tasks:
        # A signed response defers the PDF job by name; without the app that
        # renders and signs it (the signed-documents job) no consent is seeded.
        return
    answers: dict[str, object] = {"photo_scope": scope}
    if scope == "marketing":
        answers["marketing_face"] = True
    name = f"{client.first_name} {client.last_name}".strip()
    form_response_record(
        actor=Actor.system("demo"),
        client_id=client.pk,
        version_id=version.pk,
        answers=answers,
        source=ResponseSource.TABLET,
        decision="accepted",
        photo_scope=scope,
        evidence=SignatureEvidence(
            typed_name=name,
            drawn_image_file_id=None,
            meaning="By signing, I give permission to photograph me as described above.",
            disclosure_version="demo",
            electronic_consent_at=when,
            signed_at=when,
            ip="203.0.113.10",
            user_agent="Demo tablet",
        ),
        now=when,
    )


def seed_photos() -> int:
    """Consents and before/after photos for a few clients; how many photos made."""
    if Photo.objects.exists():
        return 0
    version = (
        FormVersion.objects.filter(template__kind=FormKind.PHOTO_CONSENT)
        .order_by("-published_at", "-id")
        .first()
    )
    if version is None:
        return 0
    now = timezone.now()
    visits = (
        Appointment.objects.filter(starts_at__lt=now)
        .exclude(status__in=[AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
        .select_related("client")
        .order_by("client_id", "-starts_at")
        .distinct("client_id")[: len(PLAN)]
    )
    made = 0
    actor = Actor.system("demo")
    for visit, (area, views, scope) in zip(visits, PLAN, strict=False):
        _consent(visit.client, scope, version, visit.starts_at - dt.timedelta(minutes=20))
        for phase, offset in ((PhotoPhase.BEFORE, 10), (PhotoPhase.AFTER, 50)):
            for view in views:
                label = f"{area.label} - {view.label} - {phase.label}"
                photo_upload(
                    upload=SimpleUploadedFile("demo.jpg", demo_image(label, phase), "image/jpeg"),
                    client_id=visit.client_id,
                    appointment_id=visit.pk,
                    body_area=area,
                    view=view,
                    phase=phase,
                    taken_at=visit.starts_at + dt.timedelta(minutes=offset),
                    actor=actor,
                )
                made += 1
    return made
