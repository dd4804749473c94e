"""URLs on a spa's host (the connection is on the spa's schema)."""

from django.conf import settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.graphql.view import PlatformGraphQLView
from config.schema_tenant import schema
from shared_apps.accounts.graphql.mutations import AUTOCOMMIT_MUTATIONS, READ_ONLY_SAFE_MUTATIONS
from tenant_apps.audit.services import PhiReadCollector, audit_flush_reads
from tenant_apps.clients.models import Client

urlpatterns = [
    path(
        "graphql/",
        csrf_exempt(
            PlatformGraphQLView.as_view(
                schema=schema,
                graphiql=settings.GRAPHIQL,
                read_only_mutations=READ_ONLY_SAFE_MUTATIONS,
                autocommit_mutations=AUTOCOMMIT_MUTATIONS,
                # Every client object whose fields a request resolves is logged
                # (tenant_apps/audit/services.py), in one insert at the end.
                middleware=[PhiReadCollector(Client)],
                after_execution=[audit_flush_reads],
            )
        ),
        name="graphql",
    ),
]
