"""The test suite: fast hashing, tasks run at once, mail to whatever SMTP server a test starts."""

from kansrijk.conf.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Like the tasks, the access log's chainer runs at once: each entry is linked in its request.
KANSRIJK_AUDIT_CHAIN_INLINE = True
KANSRIJK_AUDIT_CHAIN_OWN_DATABASE_ONLY = True  # one database per test worker in one cluster
# Tests reuse a snapshot's moment across databases; tests/monitor/test_fragments.py turns the
# fragment cache on where it is what they test.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The match register's key: a fixed one here, never in production (conf/production.py).
KANSRIJK_MATCH_REGISTER_KEY = KANSRIJK_MATCH_REGISTER_KEY or "dev-only-match-register-key"  # noqa: F405
