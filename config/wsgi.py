import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("MEDSPA_PROCESS_ROLE", "web")  # core/database.py: web timeouts
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()

from config.warmup import load_and_freeze  # noqa: E402  (needs the settings above)

load_and_freeze()
