"""Settings shared by every environment; per-machine values come from conf.environment."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from kansrijk.conf.environment import BASE_DIR, env_bool, env_int, env_list, env_str

SECRET_KEY = env_str("KANSRIJK_SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("KANSRIJK_DEBUG", False)
ALLOWED_HOSTS = env_list("KANSRIJK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("KANSRIJK_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # Before the admin, so that its templates (the NL Design System look) come first.
    "kansrijk.administration",
    "kansrijk.administration.admin_app.ManagementAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widgets' templates, for FORM_RENDERER below
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "kansrijk.core",
    "kansrijk.accounts",
    "kansrijk.access",
    "kansrijk.audit",
    "kansrijk.cases",
    "kansrijk.consent",
    "kansrijk.notifications",
    "kansrijk.roster",
    "kansrijk.monitor",
    "kansrijk.safety",
    "kansrijk.meetings",
    "kansrijk.privacy",
    "kansrijk.imports",
    "kansrijk.attention",
    "kansrijk.portal",
    "kansrijk.early_years",
    "oauth2_provider",
    "kansrijk.matches",
    "kansrijk.clients",
    "kansrijk.special_education",
    "kansrijk.dyslexia",
    "kansrijk.threads",
    "kansrijk.standins",
    "kansrijk.homework",
    "kansrijk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kansrijk.core.cache_control.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kansrijk.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kansrijk.accounts.middleware.VerifiedUserMiddleware",  # django_otp's, one query less
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kansrijk.core.csp.PolicyOnceMiddleware",  # django-csp's, the policy built once
    "kansrijk.accounts.middleware.PermissionsPolicyMiddleware",
    "kansrijk.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "kansrijk.audit.context.SourceAddressMiddleware",
    "kansrijk.accounts.middleware.SessionExpiryMiddleware",
    "kansrijk.clients.middleware.BearerTokenMiddleware",
    "kansrijk.access.gate.GateMiddleware",
    "axes.middleware.AxesMiddleware",
    "kansrijk.portal.visitors.PortalSessionMiddleware",
    "kansrijk.core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "kansrijk.urls"
WSGI_APPLICATION = "kansrijk.wsgi.application"
AUTH_USER_MODEL = "core.Professional"
# The matrix's indexes carry the columns its reaches read (INCLUDE, issue 17): PostgreSQL's,
# the production database. SQLite builds the same indexes without them, which only costs it
# a look at the table.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "cases:my_work"
LOGOUT_REDIRECT_URL = "core:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "kansrijk" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kansrijk.core.navigation.navigation",
            ],
            # Django's `date` filter remembered per day and its `url` tag per process (list
            # pages format a date and link a page on every row).
            "builtins": ["kansrijk.core.templatetags.dates", "kansrijk.core.templatetags.urls"],
        },
    },
]

# Form widgets rendered by the project's engine: kansrijk/templates/django/forms/widgets/
# select.html writes a select's options without an include each (same HTML as Django's).
FORM_RENDERER = "kansrijk.core.widgets.Renderer"

# Rendered page fragments that are the same for many users (the monitor's figures of one
# snapshot and audience): per process, bounded; nothing personal is kept there.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "fragments": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "fragments",
        "OPTIONS": {"MAX_ENTRIES": 64},
    },
}

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'kansrijk.sqlite3'}"),
        conn_max_age=env_int("KANSRIJK_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# A streaming replica for the monitor's reads (issue 17, past one machine): set, the monitor
# page reads its snapshots there (kansrijk.monitor.replica); every write stays on `default`.
# In tests the replica mirrors `default` unless a test points it at a real replica.
if env_str("KANSRIJK_REPLICA_DATABASE_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("KANSRIJK_REPLICA_DATABASE_URL", ""),
        conn_max_age=env_int("KANSRIJK_DB_CONN_MAX_AGE", 0),
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["kansrijk.monitor.replica.MonitorReplicaRouter"]
# PostgreSQL: parameters bound by the server, and a query a connection runs a second time
# prepared (issue 17). The permission filters are long SQL whose planning cost more than
# running them (an empty attention list: 8-11 ms of planning, 1 ms of execution); prepared,
# PostgreSQL keeps a generic plan where it plans as well as the custom ones. Negative: off
# (a transaction-mode pooler without prepared-statement support in front of the database).
DB_PREPARE_THRESHOLD = env_int("KANSRIJK_DB_PREPARE_THRESHOLD", 2)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARE_THRESHOLD >= 0:
        _database.setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": DB_PREPARE_THRESHOLD}
        )
# No parallel workers for a request's query: at region scale PostgreSQL planned a
# coordinator's cases with two (a NOT IN over the district's cases looked dear), and starting
# them cost the database 20 ms of CPU a page against 2 without, unseen by the backend's own
# figures (issue 17). The pages' reads are index lookups, and the monitor's refresh of a
# year at region scale took as long without them (5.6-6.2 s against 5.9).
# Negative: the server's setting (a pooler that does not pass the `options` startup
# parameter on: set it on the role, docs/operations.md).
DB_PARALLEL_WORKERS = env_int("KANSRIJK_DB_PARALLEL_WORKERS", 0)
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql" and DB_PARALLEL_WORKERS >= 0:
        _database.setdefault("OPTIONS", {})["options"] = (
            f"-c max_parallel_workers_per_gather={DB_PARALLEL_WORKERS}"
        )
# Server-side cursors: the inzage's JSON streams a family's access log from one after the
# request's statements, `audit_verify` reads the log through one. A pooler in transaction
# mode may hand the connection to another client between them: off behind one
# (docs/operations.md), and such reads fetch their rows whole.
if not env_bool("KANSRIJK_DB_SERVER_SIDE_CURSORS", True):
    for _database in DATABASES.values():
        _database["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "kansrijk.accounts.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "kansrijk" / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "kansrijk" / "static"]
STATIC_ROOT = Path(env_str("KANSRIJK_STATIC_ROOT", str(BASE_DIR / "var" / "static")))

#: Django's database sessions, read with compiled SQL (kansrijk.accounts.sessions).
SESSION_ENGINE = "kansrijk.accounts.sessions"
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Authentication and sessions (OWASP ASVS level 2; kansrijk/accounts/).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out logins
    "kansrijk.accounts.backends.SessionUserBackend",  # Django's ModelBackend, see its doc
]
KANSRIJK_SESSION_IDLE_SECONDS = env_int("KANSRIJK_SESSION_IDLE_MINUTES", 30) * 60
KANSRIJK_SESSION_ABSOLUTE_SECONDS = SESSION_COOKIE_AGE
OTP_TOTP_ISSUER = "Kansrijk"
AXES_FAILURE_LIMIT = env_int("KANSRIJK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KANSRIJK_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = False  # kansrijk.accounts resets only after the second factor
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "kansrijk.accounts.views.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]  # the same address as the access log
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # successes are in our own access log; no second copy of IPs
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

EMAIL_HOST = env_str("KANSRIJK_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KANSRIJK_EMAIL_PORT", 25)
# Seconds an SMTP connection may hang before the attempt fails (and is retried later).
EMAIL_TIMEOUT = env_int("KANSRIJK_EMAIL_TIMEOUT", 30)
# Transient mail failures are retried with back-off for this many hours after the notification.
KANSRIJK_MAIL_RETRY_HOURS = env_int("KANSRIJK_MAIL_RETRY_HOURS", 24)
DEFAULT_FROM_EMAIL = env_str("KANSRIJK_DEFAULT_FROM_EMAIL", "kansrijk@localhost")
KANSRIJK_BASE_URL = env_str("KANSRIJK_BASE_URL", "http://127.0.0.1:8000")

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The family portal (kansrijk/portal/): DigiD through the municipality's OpenID Connect broker,
# with mozilla-django-oidc. Empty endpoints in production mean the portal cannot sign anyone in.
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("KANSRIJK_OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = env_str("KANSRIJK_OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = env_str("KANSRIJK_OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = env_str("KANSRIJK_OIDC_JWKS_ENDPOINT", "")
OIDC_RP_CLIENT_ID = env_str("KANSRIJK_OIDC_CLIENT_ID", "kansrijk-portal")
OIDC_RP_CLIENT_SECRET = env_str("KANSRIJK_OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = env_str("KANSRIJK_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env_str("KANSRIJK_OIDC_SCOPES", "openid")
OIDC_USE_PKCE = True
#: Match the token's key id against the JWKS (brokers send one; the local mock does not).
OIDC_VERIFY_KID = env_bool("KANSRIJK_OIDC_VERIFY_KID", True)
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:callback"
#: The claim in which the broker hands over the BSN.
KANSRIJK_OIDC_BSN_CLAIM = env_str("KANSRIJK_OIDC_BSN_CLAIM", "bsn")

# Domain settings.
# Signs the access log's chain head; kept outside the database (falls back to SECRET_KEY).
KANSRIJK_AUDIT_KEY = env_str("KANSRIJK_AUDIT_KEY", "")
# Where the daily signed checkpoints of the chain head go: storage the database role cannot
# change (audit.checkpoints). Empty: none are written and audit_verify warns.
KANSRIJK_AUDIT_CHECKPOINT_DIR = env_str("KANSRIJK_AUDIT_CHECKPOINT_DIR", "")
# Entries are linked by the chainer (manage.py audit_chain); audit_verify fails when one has
# waited longer than this. Inline: each request links its own entry (tests and the demo only:
# it serialises writers on the chain head).
KANSRIJK_AUDIT_CHAIN_MAX_LAG_SECONDS = env_int("KANSRIJK_AUDIT_CHAIN_MAX_LAG_SECONDS", 300)
KANSRIJK_AUDIT_CHAIN_INLINE = False
KANSRIJK_AUDIT_CHAIN_OWN_DATABASE_ONLY = (
    False  # True only where one cluster holds many test databases
)
# The match register's key: the child's BSN is kept only as HMAC-SHA256 with this secret
# (kansrijk.matches.keys). Development and tests set a default; production refuses to start
# without a strong one.
KANSRIJK_MATCH_REGISTER_KEY = env_str("KANSRIJK_MATCH_REGISTER_KEY", "")
# Partner systems (kansrijk.clients): OAuth 2.0 client credentials, tokens that expire, a
# per-client limit of API calls per minute.
KANSRIJK_API_TOKEN_SECONDS = env_int("KANSRIJK_API_TOKEN_SECONDS", 3600)
KANSRIJK_API_CLIENT_RATE_PER_MINUTE = env_int("KANSRIJK_API_CLIENT_RATE_PER_MINUTE", 120)
# django-oauth-toolkit's swappable models, named for its migrations (not secrets).
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": KANSRIJK_API_TOKEN_SECONDS,
    "OAUTH2_VALIDATOR_CLASS": "kansrijk.clients.validator.ClientScopesValidator",
    "SCOPES": {
        "involvement:write": "Register and end involvement with a child",
        "matches:read": "Read the organisation's matches and record who leads",
        "signals:write": "File a signal",
        "monitor:read": "Read the monitor's figures",
    },
    "ALLOWED_GRANT_TYPES": ["client_credentials"],
    # Only machine clients with client credentials: every RFC 9700 recommendation on (tokens
    # stored hashed, none in the query string, no implicit or password grant, https only).
    "PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}

KANSRIJK_STALLED_AFTER_DAYS = env_int("KANSRIJK_STALLED_AFTER_DAYS", 14)
KANSRIJK_NON_RESPONSE_THRESHOLD = env_int("KANSRIJK_NON_RESPONSE_THRESHOLD", 3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("KANSRIJK_LOG_LEVEL", "INFO")},
}
