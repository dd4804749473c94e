"""The default database connection, typed as what it is: django-tenants' wrapper.

Django's stubs know the connection as a BaseDatabaseWrapper, which has no
set_tenant / set_schema_to_public; django-tenants ships no types, so it is Any.
Our backend (tenants/postgresql_backend) adds `forget_search_path()`.
"""

from typing import Any

from django.db import connection as _connection

connection: Any = _connection
