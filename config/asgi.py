import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("MEDSPA_PROCESS_ROLE", "web")  # core/database.py: web timeouts
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()
