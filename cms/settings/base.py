"""Settings shared by every environment.

Everything a deployer may change is read from the environment here or in
``production.py``; the README lists the variables.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


INSTALLED_APPS = [
    "strategy_pages",
    "forms.apps.FormsConfig",
    "notifications",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response, cached pages included (cms/security.py).
    "cms.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed by the application (static files come compressed from WhiteNoise, above); off with
    # GZIP_RESPONSES=0 when a front server (nginx) compresses. Outside the page cache, so cached pages too.
    *(["django.middleware.gzip.GZipMiddleware"] if env_bool("GZIP_RESPONSES", True) else []),
    # Cached anonymous pages are answered here, before sessions, CSRF and the rest (strategy_pages/caching.py).
    "strategy_pages.caching.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Input no database column can hold (a 30-digit id, a NUL byte) is a 400, never a 500 (cms/middleware.py).
    "cms.middleware.BadInputMiddleware",
    # Short sessions for accounts that see personal data (cms/security.py).
    "cms.security.PersonalDataSessionMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

# Every login form (Wagtail's /admin/login/, Django's admin when mounted, any other) authenticates
# through django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cms.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Django's |date filter, each distinct date formatted once per process (the same text).
            "builtins": ["strategy_pages.templatetags.strategy_dates"],
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "cms.wsgi.application"


# Database: DATABASE_URL (e.g. postgres://user:pass@host:5432/name) or the
# embedded SQLite file. SQLite runs every write transaction as IMMEDIATE so
# concurrent registrations queue for the write lock instead of failing.
SQLITE_PATH = os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3"))
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def database_from_env(default_sqlite_path):
    config = dj_database_url.config(
        default=f"sqlite:///{default_sqlite_path}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": database_from_env(SQLITE_PATH)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


# Internationalisation: the public site is Polish; admin users may pick English.
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True
# locale_wagtail: Polish for what Wagtail's own Polish catalogue lacks or gets wrong; first, so it wins.
LOCALE_PATHS = [PROJECT_DIR / "locale_wagtail", PROJECT_DIR / "locale"]
# The admin's date fields show and take Polish dates ("17.01.2027 17:00"), in every admin language
# (cms/formats/en adds these input formats to English; Polish has them).
WAGTAIL_DATE_FORMAT = "%d.%m.%Y"
WAGTAIL_DATETIME_FORMAT = "%d.%m.%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
FORMAT_MODULE_PATH = ["cms.formats"]


# Static and media files
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Consultation attachments: outside MEDIA_ROOT and without a URL, served only through the admin.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private-media"))
CONSULTATION_ATTACHMENT_MAX_BYTES = int(os.environ.get("CONSULTATION_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Wagtail's page editor can post many fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000


# Mail
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "strategia@example.org")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))


# Cache: each process's memory by default, Redis (shared by every process) when CACHE_URL is set.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith("redis"):
    # Django's RedisCache, keeping its Redis client object (cms/cache_backends.py).
    CACHES = {"default": {"BACKEND": "cms.cache_backends.RedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}
    }
# Page and fragment caches (strategy_pages/caching.py), seconds; 0 turns a layer off. Correct with
# either cache: their generation number is kept in the database.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "3600"))
# The per-process memory of which page a path leads to (strategy_pages/routing.py); off: Wagtail's routing.
ROUTE_MEMO = env_bool("ROUTE_MEMO", True)
# Seconds each process may reuse the generation it last read (and its copies of cached pages) without
# asking the database: other processes show a publication after at most this long; 0: ask every time.
PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("PAGE_CACHE_LOCAL_SECONDS", "1"))
# Seconds a front nginx may keep the page cache's responses (X-Accel-Expires); 0: none.
EDGE_CACHE_SECONDS = int(os.environ.get("EDGE_CACHE_SECONDS", "0"))


# Task queue (django-q2). The ORM broker keeps queued tasks in the project's
# own database, so nothing extra has to run; Q_BROKER=redis switches to Redis.
Q_CLUSTER = {
    "name": os.environ.get("Q_CLUSTER_NAME", "strategia"),
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    "timeout": int(os.environ.get("Q_TIMEOUT", "60")),
    "retry": int(os.environ.get("Q_RETRY", "90")),
    "max_attempts": int(os.environ.get("Q_MAX_ATTEMPTS", "5")),
    "catch_up": False,
    "label": _("Task queue"),
}
if os.environ.get("Q_BROKER", "orm") == "redis":
    Q_CLUSTER["redis"] = os.environ.get("Q_REDIS_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
else:
    Q_CLUSTER["orm"] = "default"
    Q_CLUSTER["poll"] = float(os.environ.get("Q_POLL", "0.5"))


# Wagtail
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", "Strategia rozwoju gminy Konstancin-Jeziorna 2040+")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_NOTIFICATION_USE_HTML = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-q2 logs as "django-q": every task at INFO.
        "django-q": {"level": os.environ.get("Q_LOG_LEVEL", "WARNING")},
        # Wagtail 8 runs its own background work through django-tasks and logs every task at INFO.
        "django_tasks": {"level": "WARNING"},
        # django-axes logs every failed login at INFO; lock-outs are WARNING.
        "axes": {"level": "WARNING"},
    },
}


# Notifications (notifications/ outbox, sent by the django-q2 worker; see notifications/services.py).
# Failed SMTP attempts are retried after BASE, 2×BASE, 4×BASE… seconds (at most MAX) until
# MAX_ATTEMPTS, then shown as failed in the admin. A "sending" claim older than CLAIM_TIMEOUT
# (never less than the task timeout) belongs to a dead worker and is taken over.
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "6"))
NOTIFICATIONS_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "60"))
NOTIFICATIONS_RETRY_MAX_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_MAX_SECONDS", "3600"))
NOTIFICATIONS_CLAIM_TIMEOUT = int(os.environ.get("NOTIFICATIONS_CLAIM_TIMEOUT", str(Q_CLUSTER["timeout"])))
NOTIFICATIONS_STALL_SECONDS = int(os.environ.get("NOTIFICATIONS_STALL_SECONDS", "600"))
NOTIFICATIONS_DIGEST_HOUR = int(os.environ.get("NOTIFICATIONS_DIGEST_HOUR", "7"))


# --- Personal data, abuse protection (issue 6: admin, permissions, exports, GDPR) -------------------
# Public form posts allowed per client: "<posts>/<seconds>". Counted in Django's cache for every POST
# to a form page (valid or not); more are refused with 429 and nothing is stored.
FORM_RATE_LIMIT = os.environ.get("FORM_RATE_LIMIT", "10/600")
# The request header the site's own reverse proxies append the client address to, in Django's META
# form (e.g. "HTTP_X_FORWARDED_FOR" with nginx's $proxy_add_x_forwarded_for). None: REMOTE_ADDR.
# Only the entry the outermost trusted proxy appended is used: FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT
# entries from the right (1: one nginx in front; 2: a load balancer and nginx…); what the client sent
# further left is ignored. Also the address of the login lock-out (django-axes).
FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER = os.environ.get("FORM_RATE_LIMIT_TRUSTED_PROXY_HEADER") or None
FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT = int(os.environ.get("FORM_RATE_LIMIT_TRUSTED_PROXY_COUNT", "1"))
# Where posts are counted, shared by every web process: "database" (a table, the default without
# CACHE_URL) or "cache" (Django's cache: Redis, the default with CACHE_URL). Never a per-process memory.
FORM_RATE_LIMIT_STORE = os.environ.get("FORM_RATE_LIMIT_STORE") or (
    "cache" if CACHE_URL.startswith("redis") else "database"
)
# Name of the honeypot field of every public form: people never see it, bots fill it in (answer 400).
FORM_HONEYPOT_FIELD = "website"
# Retention: when the daily django-q2 task anonymises expired personal data (hour, local time).
PERSONAL_DATA_RETENTION_HOUR = int(os.environ.get("PERSONAL_DATA_RETENTION_HOUR", "3"))


# --- Logins (issue 13) --------------------------------------------------------------------------------
# django-axes counts failed logins in the database (shared by every process). After LOGIN_FAILURE_LIMIT
# failures an account is locked (whatever address tries it), and so is an address (whatever account it
# tries), for LOGIN_COOLOFF_MINUTES; a superuser unlocks earlier (Settings › Locked logins, or
# `manage.py axes_reset_username NAME` / `axes_reset_ip ADDRESS`). A successful login resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
# The same client address as the form rate limit: behind the trusted proxy, the address it appended.
AXES_CLIENT_IP_CALLABLE = "forms.abuse.client_address"
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
AXES_HTTP_RESPONSE_CODE = 429
# Axes's own Django-admin pages are not used (the Wagtail admin has the unlock view).
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False

# Django's own admin (/django-admin/) is a second login form, and its django-q2 schedule editor runs any
# importable function: not mounted unless DJANGO_ADMIN_ENABLED=1 (the dev settings mount it).
DJANGO_ADMIN_ENABLED = env_bool("DJANGO_ADMIN_ENABLED", False)

# Sessions: two weeks by default; accounts that may see personal data (form administrators,
# superusers) get a session that ends with the browser and after PERSONAL_DATA_SESSION_HOURS at most.
PERSONAL_DATA_SESSION_SECONDS = int(float(os.environ.get("PERSONAL_DATA_SESSION_HOURS", "8")) * 3600)

# Content-Security-Policy (cms/security.py): on by default; CSP_REPORT_ONLY=1 only reports violations.
CSP_ENABLED = env_bool("CSP_ENABLED", True)
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
# The admin shows no Gravatar pictures: they would send a hash of each user's e-mail address to a third party.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
