"""URLs on the root domain (public schema): the public API (signup, plans) and
Stripe's webhooks, and the super-admin console (/console/)."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from config.schema_public import schema
from core.graphql.graphiql import graphiql_asset
from core.graphql.view import PlatformGraphQLView
from shared_apps.billing.throttling import signup_throttle
from shared_apps.billing.views import stripe_webhook
from shared_apps.sms.views import delivery_status, inbound_sms

urlpatterns = [
    path(
        "graphql/",
        csrf_exempt(
            PlatformGraphQLView.as_view(
                schema=schema,
                before_execution=[signup_throttle],
            )
        ),
        name="graphql",
    ),
    # GraphiQL's files, for the page /graphql/ shows a browser (settings.GRAPHIQL).
    path("graphiql/<str:name>", graphiql_asset, name="graphiql-asset"),
    # Signed by Stripe (checked on the raw body), so no CSRF token.
    path("webhooks/stripe/", stripe_webhook, name="stripe-webhook"),
    # Signed by Twilio (RequestValidator over the URL and fields), so no CSRF token.
    path("webhooks/twilio/sms/", inbound_sms, name="twilio-sms"),
    path("webhooks/twilio/status/", delivery_status, name="twilio-status"),
    # Platform staff only: sessions, TOTP and CSRF (shared_apps/console).
    path("console/", include("shared_apps.console.urls")),
]
