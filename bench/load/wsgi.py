"""The application as gunicorn --preload loads it for the load test: `kansrijk.wsgi` settles
(imports every view module, freezes what is loaded) once in the master before the workers
fork, so no worker spends its first request importing under load."""

from kansrijk.wsgi import application

__all__ = ["application"]
