"""URLs on a spa's host (the connection is on the spa's schema)."""

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from config.schema_booking import schema as booking_schema
from config.schema_tenant import schema
from config.webapp import app_asset, app_shell, landing, to_app
from core.graphql.graphiql import graphiql_asset
from core.graphql.view import PlatformGraphQLView
from shared_apps.accounts.graphql.impersonation import impersonation_guard
from tenant_apps.audit.services import audit_flush_reads, phi_read_observers
from tenant_apps.clients.models import Client
from tenant_apps.files.views import file_serve
from tenant_apps.forms.copy_pages import copy_asset, copy_download, copy_page
from tenant_apps.forms.models import FormResponse
from tenant_apps.forms.views import form_upload
from tenant_apps.messaging.unsubscribe import unsubscribe_page
from tenant_apps.online_booking.pages import (
    booking_asset,
    booking_page,
    manage_page,
    waitlist_offer_page,
)
from tenant_apps.online_booking.throttling import booking_throttle
from tenant_apps.photos.export import photo_export_download
from tenant_apps.photos.models import Photo
from tenant_apps.photos.views import photo_upload_view
from tenant_apps.scheduling.models import Appointment

urlpatterns = [
    path(
        "graphql/",
        csrf_exempt(
            PlatformGraphQLView.as_view(
                schema=schema,
                # Every client object whose fields a request resolves is logged
                # (tenant_apps/audit/services.py), in one insert at the end; an
                # appointment, a form response or a photo is part of its client's record.
                object_observers=phi_read_observers(
                    {
                        Client: "pk",
                        Appointment: "client_id",
                        FormResponse: "client_id",
                        Photo: "client_id",
                    }
                ),
                after_execution=[audit_flush_reads],
                # A console impersonation cannot touch the person's credentials,
                # the team or billing (shared_apps/accounts/graphql/impersonation.py).
                before_execution=[impersonation_guard],
            )
        ),
        name="graphql",
    ),
    # The patients' booking API: no sign-in (an Authorization header is ignored,
    # see shared_apps/accounts/middleware.py), rate limited per client address.
    path(
        "booking/graphql/",
        csrf_exempt(
            PlatformGraphQLView.as_view(
                schema=booking_schema,
                before_execution=[booking_throttle],
            )
        ),
        name="booking-graphql",
    ),
    # The patients' pages (tenant_apps/online_booking/pages.py). The manage
    # link is /booking/manage#<token>, exactly: no trailing slash.
    # GraphiQL's files, for the page /graphql/ shows a browser (settings.GRAPHIQL).
    path("graphiql/<str:name>", graphiql_asset, name="graphiql-asset"),
    path("booking/", booking_page, name="booking-page"),
    path("booking/manage", manage_page, name="booking-manage"),
    path("booking/waitlist", waitlist_offer_page, name="booking-waitlist"),
    path("booking/assets/<str:name>", booking_asset, name="booking-asset"),
    # A photo a patient's forms link asks for (tenant_apps/forms/views.py).
    path("forms/upload", form_upload, name="forms-upload"),
    # The patient's copy of a signed form (tenant_apps/forms/copy_pages.py):
    # /forms/copy#<token>, exactly.
    path("forms/copy", copy_page, name="forms-copy"),
    path("forms/copy/download", copy_download, name="forms-copy-download"),
    path("forms/copy/assets/<str:name>", copy_asset, name="forms-copy-asset"),
    # Email opt-out, linked from every patient email (tenant_apps/messaging/unsubscribe.py).
    path("unsubscribe", unsubscribe_page, name="unsubscribe"),
    # Patient files behind short-lived signed URLs (tenant_apps/files/views.py).
    path("files/<str:token>", file_serve, name="file"),
    # Clinical photos: the upload (multipart) and the marketing export's ZIP
    # (tenant_apps/photos/views.py, tenant_apps/photos/export.py).
    path("photos/upload", photo_upload_view, name="photo-upload"),
    path("photos/export/<str:token>", photo_export_download, name="photo-export"),
    # The staff web app (config/webapp.py): its files, then its shell for any
    # path under /app/ (the app routes in the browser).
    path("app/assets/<str:name>", app_asset, name="app-asset"),
    path("app/", app_shell, name="app"),
    re_path(r"^app/(?!assets/)(?P<route>.+)$", app_shell),
    # The spa's address, and the links the platform emails, lead to the app.
    path("", landing, name="landing"),
    path("accept-invitation", to_app("accept-invitation")),
    path("reset-password", to_app("reset-password")),
    path("billing", to_app("settings/billing")),
]
