"""Local development and `make demo`: SQLite file, debug on, mail printed to the console."""

from kansrijk.conf.base import *  # noqa: F403
from kansrijk.conf.environment import env_bool, env_str

DEBUG = env_bool("KANSRIJK_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Like the tasks, the access log's chainer runs at once: each entry is linked in its request.
KANSRIJK_AUDIT_CHAIN_INLINE = True

# The family portal signs in against the local OpenID Connect provider that `make demo`
# starts (manage.py portal_oidc_mock) instead of the municipality's DigiD broker.
KANSRIJK_OIDC_MOCK_URL = env_str("KANSRIJK_OIDC_MOCK_URL", "http://127.0.0.1:9400")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str(
    "KANSRIJK_OIDC_AUTHORIZATION_ENDPOINT", f"{KANSRIJK_OIDC_MOCK_URL}/oauth2/authorize"
)
OIDC_OP_TOKEN_ENDPOINT = env_str(
    "KANSRIJK_OIDC_TOKEN_ENDPOINT", f"{KANSRIJK_OIDC_MOCK_URL}/oauth2/token"
)
OIDC_OP_USER_ENDPOINT = env_str(
    "KANSRIJK_OIDC_USERINFO_ENDPOINT", f"{KANSRIJK_OIDC_MOCK_URL}/userinfo"
)
OIDC_OP_JWKS_ENDPOINT = env_str("KANSRIJK_OIDC_JWKS_ENDPOINT", f"{KANSRIJK_OIDC_MOCK_URL}/jwks")
OIDC_RP_CLIENT_SECRET = env_str("KANSRIJK_OIDC_CLIENT_SECRET", "demo-secret")
OIDC_VERIFY_KID = env_bool("KANSRIJK_OIDC_VERIFY_KID", False)  # the mock's tokens have no kid

# The match register's key: a fixed one here, never in production (conf/production.py).
KANSRIJK_MATCH_REGISTER_KEY = KANSRIJK_MATCH_REGISTER_KEY or "dev-only-match-register-key"  # noqa: F405
