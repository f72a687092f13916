"""Production: secrets from the environment, HTTPS only, whitenoise with hashed static files."""

from django.core.exceptions import ImproperlyConfigured

from kansrijk.conf.base import *  # noqa: F403
from kansrijk.conf.base import DATABASES, SECRET_KEY
from kansrijk.conf.environment import env_bool, env_int
from kansrijk.conf.keys import weakness

if (_why := weakness(SECRET_KEY)) is not None:
    raise ImproperlyConfigured(
        f"KANSRIJK_SECRET_KEY is too weak for production: {_why}. Generate one with: "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = True
# The load balancer asks for /health over plain HTTP on the internal port: answer, not redirect.
SECURE_REDIRECT_EXEMPT = [r"^health$"]
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The __Host- prefix makes browsers refuse these cookies unless Secure, host-only and Path=/.
SESSION_COOKIE_NAME = "__Host-kansrijk_session"
CSRF_COOKIE_NAME = "__Host-kansrijk_csrftoken"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kansrijk.core.static_storage.StaticStorage"},
}
# Persistent database connections: a new connection per request costs the database about
# 20 ms of CPU (issue 17); health checks drop a connection that broke between requests.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("KANSRIJK_DB_CONN_MAX_AGE", 600)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True

# The bench's query counter (bench/load): a response header with the request's query count
# and CPU time. Off unless the load test turns it on; never on for real users.
if env_bool("KANSRIJK_BENCH_METRICS", False):
    from kansrijk.conf.base import MIDDLEWARE

    MIDDLEWARE = ["kansrijk.core.bench_metrics.BenchMetricsMiddleware", *MIDDLEWARE]
