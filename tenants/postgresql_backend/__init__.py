"""The database backend: django-tenants' PostgreSQL backend that remembers the
search_path each connection's session already has (see `base.py`)."""
