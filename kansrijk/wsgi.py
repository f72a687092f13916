"""WSGI entry point for gunicorn and the test servers. The process settles before its first
request (`kansrijk.core.settle`: every view imported, the loaded objects frozen out of the
garbage collector's scans); under `gunicorn --preload` the master does it once before the
workers fork."""

import os

from django.core.wsgi import get_wsgi_application

from kansrijk.core.settle import settle

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kansrijk.conf.production")
application = get_wsgi_application()
settle()
