"""URLs on a spa's host (the connection is on the spa's schema)."""

from django.conf import settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.graphql.view import PlatformGraphQLView
from config.schema_tenant import schema

urlpatterns = [
    path(
        "graphql/",
        csrf_exempt(PlatformGraphQLView.as_view(schema=schema, graphiql=settings.GRAPHIQL)),
        name="graphql",
    ),
]
