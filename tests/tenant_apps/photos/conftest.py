"""The photos tests count stored objects as the files tests do."""

from tests.tenant_apps.files.conftest import s3_server, stored_objects

__all__ = ["s3_server", "stored_objects"]
