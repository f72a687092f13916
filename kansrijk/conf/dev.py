"""Local development and `make demo`: SQLite file, debug on, mail printed to the console."""

from kansrijk.conf.base import *  # noqa: F403
from kansrijk.conf.environment import env_bool

DEBUG = env_bool("KANSRIJK_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Like the tasks, the access log's chainer runs at once: each entry is linked in its request.
KANSRIJK_AUDIT_CHAIN_INLINE = True
