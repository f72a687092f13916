"""WSGI entry point for gunicorn and the test servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansrijk.conf.production")
application = get_wsgi_application()
