"""/healthz and /readyz, on every host, before routing; cheap and unauthenticated.

- /healthz: the process answers (no database).
- /readyz: the database answers, and the public schema and the spa template have
  every migration this code has (more is fine: during a rolling deploy the
  release command migrates them ahead of the old machines).
Answers only "ok" or "unavailable"; what is wrong goes to the log, not to the
caller. A positive answer is reused for a
  few seconds so a busy probe costs nothing.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import Error as DatabaseError
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from tenants.db import connection
from tenants.schema_template import template_has_code_migrations

logger = logging.getLogger(__name__)

READY_CACHE_SECONDS = 5.0


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._ready_until = 0.0

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == "/healthz":
            return JsonResponse({"status": "ok"})
        if request.path == "/readyz":
            ready = self._ready()
            return JsonResponse(
                {"status": "ok" if ready else "unavailable"}, status=200 if ready else 503
            )
        return self.get_response(request)

    def _ready(self) -> bool:
        now = time.monotonic()
        if now < self._ready_until:
            return True
        try:
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                logger.error("not ready: %d public migrations not applied", len(pending))
                return False
            if not template_has_code_migrations():
                logger.error("not ready: the spa template schema lacks migrations")
                return False
        except DatabaseError as exc:
            logger.error("not ready: database unavailable (%s)", type(exc).__name__)
            return False
        self._ready_until = now + READY_CACHE_SECONDS
        return True
