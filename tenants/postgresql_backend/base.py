"""django-tenants' backend, minus the `SET search_path` a connection already has.

django-tenants forgets the path it set whenever a schema is chosen
(`set_tenant` clears `search_path_set_schemas`), and routing chooses one at the
start of every request, so every spa request paid a `SET search_path` round
trip even when the persistent connection's session already had that very path.
This backend remembers, per physical connection, the path in effect in the
PostgreSQL session, and skips the SET when it is the one wanted.

It is only as good as its knowledge of the session, so it forgets (and the next
cursor sets the path again, as django-tenants always did) at every event that
can change or undo the session's path:

- a new physical connection (`connect`, after CONN_MAX_AGE, a failed
  CONN_HEALTH_CHECKS check, a dropped connection, or from a pool) starts with the
  server's default path, whatever was known of the one before.
- PostgreSQL undoes a `SET` made in a transaction when the transaction, or a
  savepoint taken before the SET, is rolled back: `rollback` and
  `savepoint_rollback` forget, and so does a `commit` that fails (the server
  rolled back). A committed SET stays, which is what we want to keep.
- a SET that fails: django-tenants records nothing then, nor do we.
- any other statement run through Django's connection that mentions
  search_path (`SET search_path`, `SET LOCAL`, `set_config('search_path', ...)`,
  tenants/schema_template.py's clone script) or starts with RESET or DISCARD
  (`RESET ALL`, `DISCARD ALL`): we no longer know, so the next time
  a schema is chosen the SET is sent again. Until then django-tenants' own rule
  applies unchanged (no new SET while the same schema stays chosen), which is
  what code running such SQL inside one transaction relies on.

Not covered, as before: SQL sent on the driver connection behind Django's back,
or a function that changes search_path for the session. And a pooler that lends
the server connection to another client between transactions (PgBouncer in
transaction mode) would change the path under us: see platform/POOLING.md.

With `TENANT_LIMIT_SET_CALLS = False` (a SET before every cursor) this backend
behaves like django-tenants'.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.asyncio import async_unsafe
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper
from django_tenants.utils import get_limit_set_calls

from tenants.postgresql_backend.schema import DatabaseSchemaEditor


def _may_change_search_path(sql: Any) -> bool:
    """Whether a statement may set or reset search_path (erring towards yes).

    Lowering and two substring tests cost about 1 µs for a 700-character
    statement; a case-insensitive regular expression took 14 µs.
    """
    if not isinstance(sql, str):
        return True
    lowered = sql.lower()
    return "search_path" in lowered or lowered.lstrip().startswith(("reset", "discard"))


class DatabaseWrapper(TenantDatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The search path in effect in the session; None when unknown.
        self._session_search_path: list[str] | None = None
        super().__init__(*args, **kwargs)
        # Installed for good, first: `connection.execute_wrapper()` blocks push
        # and pop theirs after it.
        self.execute_wrappers.append(self._watch_for_search_path_changes)

    def forget_search_path(self) -> None:
        """Stop trusting what we know of the session's search_path: the next
        cursor sets it again."""
        self._session_search_path = None
        self.search_path_set_schemas = None

    @async_unsafe
    def connect(self) -> None:
        self.forget_search_path()
        super().connect()

    def init_connection_state(self) -> None:
        super().init_connection_state()
        # Timeouts for this kind of process (core/database.py, TIMEOUTS_MS), set
        # once per connection in one round trip, on the raw connection (no
        # query a test counts). Session settings, not startup options, so they
        # also pass through a pooler in session mode (platform/POOLING.md).
        #
        # And two Citus settings (inert placeholders without Citus; see
        # tenants/citus.py and docs/adr/0007-citus-scale-out.md): schema-based
        # sharding off, whatever the server's default, so a schema this
        # platform creates (a spa's, the template) stays local until
        # tenants/citus.py distributes it, as one explicit, resumable step; and
        # the spa schema's own triggers allowed on distributed tables (they
        # touch only their own shard).
        settings = {
            "citus.enable_schema_based_sharding": "off",
            "citus.enable_unsafe_triggers": "on",
        }
        statement = self.settings_dict.get("STATEMENT_TIMEOUT_MS")
        idle = self.settings_dict.get("IDLE_IN_TRANSACTION_TIMEOUT_MS")
        if statement is not None or idle is not None:
            settings["statement_timeout"] = f"{statement or 0}ms"
            settings["idle_in_transaction_session_timeout"] = f"{idle or 0}ms"
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, false)"] * len(settings)),
                [part for pair in settings.items() for part in pair],
            )

    @async_unsafe
    def rollback(self) -> None:
        self.forget_search_path()
        super().rollback()

    @async_unsafe
    def savepoint_rollback(self, sid: str) -> None:
        try:
            super().savepoint_rollback(sid)
        finally:
            # After, not before: the rollback's own cursor would otherwise SET
            # the path again, inside the savepoint it is about to discard.
            self.forget_search_path()

    @async_unsafe
    def commit(self) -> None:
        try:
            super().commit()
        except BaseException:
            # A failed COMMIT (a deferred constraint, a serialization failure)
            # has rolled the transaction back, with any SET made in it.
            self.forget_search_path()
            raise

    def _handle_search_path(self, cursor: Any = None) -> None:
        if self._setting_search_path or not self.schema_name:
            super()._handle_search_path(cursor)  # re-entry, or django-tenants' error
            return
        if get_limit_set_calls():
            if self.search_path_set_schemas is not None:
                return  # set, or found in effect, since this schema was chosen
            wanted = self._get_cursor_search_paths()
            if wanted == self._session_search_path:
                self.search_path_set_schemas = wanted
                return
        super()._handle_search_path(cursor)
        # django-tenants records the path only when its SET succeeded.
        self._session_search_path = self.search_path_set_schemas

    def _watch_for_search_path_changes(
        self, execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: Any
    ) -> Any:
        # django-tenants' own SET runs through here too, flagged by _setting_search_path.
        if not self._setting_search_path and _may_change_search_path(sql):
            # Only the session knowledge: the schema chosen now keeps
            # django-tenants' rule (see the module docstring).
            self._session_search_path = None
        return execute(sql, params, many, context)
