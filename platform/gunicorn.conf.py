"""Gunicorn for the platform (the production WSGI server).

A plain config file, not a package: nothing here is importable as `platform`.
Sync workers: the connection's search_path is per process, and request paths
use no threads (docs/ARCHITECTURE.md section 3).
"""

import multiprocessing
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then (a slow leak never becomes an outage).
max_requests = 2000
max_requests_jitter = 200
# The app writes one JSON line per request itself; gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Fly.io's proxy sits in front; its X-Forwarded-* headers are trusted.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
preload_app = True
