"""WSGI entry point for gunicorn (`bali serve --prod`)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bali.config.settings")
application = get_wsgi_application()
