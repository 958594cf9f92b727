"""PIM Tracker settings: one module, configured from the environment.

With nothing set, the project runs in its embedded mode: SQLite and e-mail files under
``var/``, Celery tasks executed in-process. Production sets ``DEBUG=0`` and a real
``SECRET_KEY`` (and refuses to start without one); README lists every variable.
"""

import os
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pimtracker import postgres
from pimtracker.security.secret_key import is_weak as secret_key_is_weak

BASE_DIR = Path(__file__).resolve().parent.parent
# An empty variable (DATABASE_URL= in a shell or .env) means "not set", not "invalid".
for _name in ("DATABASE_URL", "EMAIL_URL", "SECRET_KEY", "SITE_URL", "TIME_ZONE", "DEBUG"):
    if os.environ.get(_name) == "":
        del os.environ[_name]
VAR_DIR = Path(os.environ.get("VAR_DIR") or BASE_DIR / "var").resolve()
# The embedded mode keeps its database and e-mail files here; a fresh clone has no var/.
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Short aliases, so that EMAIL_URL=console: and EMAIL_URL=file:///path work as README says.
environ.Env.EMAIL_SCHEMES.update(
    {
        "console": environ.Env.EMAIL_SCHEMES["consolemail"],
        "file": environ.Env.EMAIL_SCHEMES["filemail"],
        "memory": environ.Env.EMAIL_SCHEMES["memorymail"],
    }
)
env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

# Only good for a laptop: production (DEBUG off) refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
# Security: the same test as `check --deploy` (security.W009), so 'a' * 60 does not pass.
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or secret_key_is_weak(SECRET_KEY)):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of 50 characters or more, with at least 5 "
        "different characters and no 'django-insecure-' prefix, when DEBUG is off."
    )

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=list(LOCAL_HOSTS))
# DEBUG shows anyone every URL pattern, setting name and traceback: a site that answers to
# any name but this machine's must run with DEBUG off, not by remembering to turn it off.
if DEBUG and any(host not in LOCAL_HOSTS for host in ALLOWED_HOSTS):
    raise ImproperlyConfigured(
        "DEBUG is on but ALLOWED_HOSTS names a host other than 127.0.0.1, localhost or [::1]: "
        "set DEBUG=0 (and a SECRET_KEY) to serve other hosts."
    )
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "axes",
    "csp",
    "pimtracker.security",
    # Security: two-step sign-in (pimtracker/security/mfa.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "participants",
    "actions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Request limits: before CSRF, which reads the body (pimtracker/request_limits.py).
    "pimtracker.request_limits.RequestLimitsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LoginRequiredMiddleware, keeping a form posted after the session expired.
    "pimtracker.drafts.LoginRequiredKeepingDrafts",
    # Security: coordinators and admin users take the second step before any page.
    "pimtracker.security.mfa_middleware.MFARequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Security: idle timeout and absolute lifetime of a session; sign-in throttles.
    "pimtracker.security.sessions.SessionLifetimeMiddleware",
    "pimtracker.security.middleware.SignInThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks, so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# The benchmark serves its floor view from its own URLconf (bench/urls.py); nothing else sets it.
ROOT_URLCONF = env.str("ROOT_URLCONF", default="pimtracker.urls")
WSGI_APPLICATION = "pimtracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actions.context_processors.navigation",
            ],
        },
    },
    {
        # Only for what is drawn dozens or thousands of times: the rows of the action point
        # tables (actions/_item_table.html), the progress bars ({% status_bar %}), and the
        # digests and notices (actions/emails.py). Jinja2 draws them several times faster
        # than Django's engine.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"environment": "pimtracker.jinja2.environment"},
    },
    {
        # The text parts of the digests and notices (actions/emails.py): nothing escaped.
        "NAME": "jinja2_text",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "OPTIONS": {"environment": "pimtracker.jinja2.text_environment"},
    },
]

# --- Database -------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'pimtracker.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: a new PostgreSQL connection costs more than most of our pages.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # No JIT, SSD prices, joins beyond six tables as written: why, in pimtracker/postgres.py.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "options", postgres.connection_options()
    )
    # Prepared statements: a statement a connection has run five times is prepared, and
    # PostgreSQL stops planning it afresh each time (1.5 to 3 ms of a page at 100,000 items;
    # README, "Performance"). Off behind a pooler in transaction mode that cannot keep them.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"].update(postgres.PREPARED_STATEMENTS)
else:
    # Wait for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # Django's backend, flushing the journal last (see pimtracker/sqlite/base.py).
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = "pimtracker.sqlite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the role with the account: actions/permissions.py.
    "actions.permissions.RoleReadingBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Security: not a rule; writes each saved password to the security log.
    {"NAME": "pimtracker.security.signals.RecordPasswordChanges"},
]
# Password-reset and invitation (set-password) links: valid three days, so an invitation
# sent on Thursday still works on Monday after a weekend without connection.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
LOGIN_URL = "login"
# A view that routes by role: partners to their own items, everyone else to the dashboard.
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "login"

# Five wrong passwords for one username from one address lock it for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Failed attempts are still logged as warnings; the per-sign-in chatter is not.
AXES_VERBOSE = False
# Security: the proxies in front of the site (the deploy recipe's nginx: 1), so that
# throttles and the security log see the client's address, not the proxy's.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "pimtracker.security.addresses.client_address"
# Security: the name authenticator apps show for the site's codes.
OTP_TOTP_ISSUER = "PIM Tracker"
# Security: throttles beside the lock (pimtracker/security/throttles.py), per hour.
SIGN_IN_ADDRESS_LIMIT = env.int("SIGN_IN_ADDRESS_LIMIT", default=20)
SIGN_IN_USERNAME_LIMIT = env.int("SIGN_IN_USERNAME_LIMIT", default=10)
SIGN_IN_BACKOFF_MAX_MINUTES = 15
PASSWORD_RESET_ADDRESS_LIMIT = env.int("PASSWORD_RESET_ADDRESS_LIMIT", default=10)
PASSWORD_RESET_TARGET_LIMIT = env.int("PASSWORD_RESET_TARGET_LIMIT", default=3)
# Security: the security log keeps this many days (pimtracker/security/).
SECURITY_LOG_DAYS = env.int("SECURITY_LOG_DAYS", default=400)

# Security: an API token stops working this many days after it is issued.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=90)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ar", _("Arabic"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Africa/Tripoli")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))).resolve()
# In production WhiteNoise serves what collectstatic gathered: compressed (gzip, and Brotli
# if that package is installed), with content hashes in the names so that a far-future
# cache is safe.
# While developing, runserver serves static files itself and needs no collectstatic after
# each CSS edit.
if not DEBUG:
    # Right after SecurityMiddleware (HTTPS redirect first), before sessions and the database.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}


# --- E-mail ---------------------------------------------------------------------------
# E-mails are dated in site time, with its offset, as the people who read them live in it.
EMAIL_USE_LOCALTIME = True


def _email_settings(url: str) -> dict:
    """EMAIL_URL as Django settings, mending two gaps of django-environ's parser."""
    config = environ.Env.email_url_config(url)
    options = config.pop("OPTIONS", {})
    for name in ("tls", "ssl"):
        value = str(options.get(name.upper(), config.get(f"EMAIL_USE_{name.upper()}", "")))
        if value:
            config[f"EMAIL_USE_{name.upper()}"] = value.lower() in ("1", "true", "yes", "on")
    # Django's SMTP backend, telling a message the server may have accepted (pimtracker/mail.py).
    if config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
        config["EMAIL_BACKEND"] = "pimtracker.mail.EmailBackend"
    # The parser drops the leading slash of file:///abs/path; keep the path absolute.
    if config["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
        config["EMAIL_FILE_PATH"] = "/" + config["EMAIL_FILE_PATH"]
    return config


globals().update(_email_settings(env.str("EMAIL_URL", default=f"file://{VAR_DIR / 'mail'}")))
# Set by the line above for file:// URLs only; declared for type checkers, which cannot see it.
EMAIL_FILE_PATH: str
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="PIM Tracker <pimtracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Threads that send one digest batch at once, each over an SMTP connection of its own, on
# PostgreSQL (actions/digests/senders.py): a digest waits for the SMTP server and for its
# commits about as long as it takes to build. Also the SMTP connections a worker process
# holds open at once.
DIGEST_SENDERS = env.int("DIGEST_SENDERS", default=4)

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Without a broker (the embedded mode) tasks run in-process, at the moment they are sent.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
# Reliability, on purpose. The DigestDelivery rows, not the broker, decide what was sent
# (a claim before sending); these settings make sure no task is silently dropped:
# - acknowledge a message only after its task ran, so a worker that dies mid-task leaves
#   it to be delivered again (the claim then makes a second run harmless);
CELERY_TASK_ACKS_LATE = True
# - and put it back when the worker process itself is killed (OOM killer, SIGKILL);
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# - with late acks, hold one message at a time, so a crash re-queues one, not a batch;
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# - Redis gives an unacknowledged message to another worker after the visibility timeout:
#   keep it well above the longest task (5 minutes, send_digest's time limit) and the
#   longest retry countdown (30 minutes), or a running or waiting task would run twice;
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
# - on a lost broker connection let running tasks finish rather than kill them mid-send;
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# - SMTP errors: send_digest retries with back-off (1, 5, 15, 30 minutes), temporary
#   errors only, at most five attempts, counted on the row (actions.digests);
# - no result backend: outcomes are recorded on the rows.
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULE = {
    "weekly-digests": {
        "task": "actions.tasks.send_weekly_digests",
        "schedule": crontab(day_of_week="mon", hour=7, minute=0),
    },
    # Redis here keeps nothing on disk: re-queue this week's deliveries that are due and
    # unsent (and the weekly fan-out itself, if it was lost).
    "sweep-digest-deliveries": {
        "task": "actions.tasks.sweep_deliveries",
        "schedule": crontab(minute="*/15"),
    },
    # Security: the log keeps SECURITY_LOG_DAYS, no more.
    "delete-old-security-events": {
        "task": "pimtracker.security.tasks.delete_old_security_events",
        "schedule": crontab(hour=3, minute=30),
    },
    # Instant notices: at most one e-mail per person every 15 minutes.
    "instant-notices": {
        "task": "actions.tasks.send_notices",
        "schedule": crontab(minute="*/15"),
    },
}

# --- Request limits (pimtracker/request_limits.py) -------------------------------------
# A form's worth for every page; the spreadsheet import takes its file on top (5 MB, checked
# by its view). Larger bodies are refused (413) before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# Uploads up to the import's limit stay in memory rather than in the temporary directory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024 + 64 * 1024

# --- Security (checked by `manage.py check --deploy`) -----------------------------------
# --- Cache and sessions ----------------------------------------------------------------
# With CACHE_URL (Redis), one cache for every process and host: the e-mail links' throttle
# counts across them, and sessions are read from the cache before the database (cached_db),
# a query fewer on every page. Without it each process has its own memory and sessions stay
# in the database alone: a per-process copy would keep a signed-out session working in the
# other processes.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "pimtracker",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Page fragments that are the same for everyone (the list's filter form, the navigation of
# each role), in each process's own memory: a few hundred at most, whatever is typed, and
# gone with the process, so a new release never shows one drawn by the old code.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "TIMEOUT": 10 * 60,
    "OPTIONS": {"MAX_ENTRIES": 500},
}

# Security: a session ends after SESSION_IDLE_HOURS without a request, and SESSION_MAX_DAYS
# after its sign-in whatever the activity (pimtracker/security/sessions.py).
SESSION_COOKIE_AGE = int(env.float("SESSION_IDLE_HOURS", default=8) * 60 * 60)
SESSION_ABSOLUTE_LIFETIME = int(env.float("SESSION_MAX_DAYS", default=7) * 24 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    # Security: a __Host- cookie is refused by browsers unless secure, for this host only and
    # for the whole path, so a neighbouring subdomain cannot plant one.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    if env.bool("BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
