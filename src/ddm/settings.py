"""DDM Hub settings: one file, read from the environment, safe by default.

Every variable is documented in the README's settings table.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url

from ddm.caching import cache_config

PACKAGE_DIR = Path(__file__).resolve().parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


VAR_DIR = Path(env_str("DDM_VAR_DIR", str(Path.cwd() / "var"))).resolve()


def _secret_key() -> str:

    """Use DDM_SECRET_KEY, else a key generated once into var/ (never committed)."""
    key = env_str("DDM_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DDM_DEBUG", False)
ALLOWED_HOSTS = env_list("DDM_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DDM_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ddm.jobs",
    "ddm.places",
    "ddm.accounts",
    "ddm.facilities",
    "ddm.investment",
    "ddm.profiles",
    "ddm.alignment",
    "ddm.oneplan",
    "ddm.capacity",
    "ddm.engagement",
    "ddm.desk",
    "ddm.briefing",
    "ddm.api",
]

MIDDLEWARE = [
    "ddm.operations.RequestLogMiddleware",  # first: every request gets an id and one log line
    "django.middleware.security.SecurityMiddleware",
    # Serves /static/ from the package itself, with DEBUG off and under any WSGI server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ddm.replica.ReplicaReadsMiddleware",  # anonymous GETs read from DDM_READ_DATABASE_URL when set
    "django.contrib.messages.middleware.MessageMiddleware",
    "ddm.accounts.middleware.SignInFirstMiddleware",  # anonymous and refused: redirected to sign in
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "ddm.busy.DatabaseBusyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: refuses sign-in for a while after repeated failures.
    "axes.middleware.AxesMiddleware",
]

# Sign-in throttling (django-axes): AXES_FAILURE_LIMIT wrong passwords for one username from one address
# lock that pair out for AXES_COOLOFF_TIME (a right password is refused meanwhile); a success resets.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env_int("DDM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DDM_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this site; no inline
# script or style (pages keep theirs in static files; SVG maps use presentation attributes), no plugins,
# no framing, forms post only here. Map tiles or other origins must be added here, by name.
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
    },
}

ROOT_URLCONF = "ddm.urls"
WSGI_APPLICATION = "ddm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Number formatting filters (money, number, area, ...) in every template without {% load %}.
            "builtins": ["ddm.numbers"],
            # Tags shared by the apps' pages, kept below the apps (tests/common/test_layering.py checks {% load %}).
            "libraries": {"key_figures": "ddm.key_figures"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'ddm.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, background worker and CLI share the file. WAL lets readers run beside a writer;
    # IMMEDIATE transactions take the write lock up front, so a busy database makes them wait
    # (timeout) instead of failing at once with "database is locked" when a read turns into a write.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# DDM_READ_DATABASE_URL: a read replica of the primary for anonymous public pages (ddm/replica.py).
READ_DATABASE_URL = env_str("DDM_READ_DATABASE_URL", "")
DDM_READ_REPLICA = "replica" if READ_DATABASE_URL else None
if READ_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(READ_DATABASE_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the replica is the primary
DATABASE_ROUTERS = ["ddm.replica.ReadReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "places:home"
LOGOUT_REDIRECT_URL = "places:home"

LANGUAGE_CODE = "en-za"
TIME_ZONE = "Africa/Johannesburg"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"  # only `collectstatic` fills it; WhiteNoise also reads the package
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# src/ddm/static is not an app's static dir: without this, ddm.css and filter.js are never served.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# No collectstatic step needed: WhiteNoise finds files where Django's finders do.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DDM_MEDIA_ROOT", str(VAR_DIR / "media")))

# Demo accounts (one per role, passwords generated at set-up): local use only, never in production.
DDM_DEMO_ACCOUNTS = env_bool("DDM_DEMO_ACCOUNTS", DEBUG)
DDM_DEMO_ACCOUNTS_FILE = VAR_DIR / "demo-accounts.json"

# Commitment-to-delivery chain (ddm.oneplan.delivery): a commitment with no linked project this many
# days after it was made is "missing"; a flagged commitment escalates from the hub to the province,
# then to DCoG, this many days after its first flag.
DDM_COMMITMENT_MISSING_DAYS = env_int("DDM_COMMITMENT_MISSING_DAYS", 90)
DDM_ESCALATE_TO_PROVINCE_DAYS = env_int("DDM_ESCALATE_TO_PROVINCE_DAYS", 30)
DDM_ESCALATE_TO_NATIONAL_DAYS = env_int("DDM_ESCALATE_TO_NATIONAL_DAYS", 60)

# Uploads: refused above this size (bytes); Django's own memory threshold stays default.
DDM_MAX_UPLOAD_BYTES = env_int("DDM_MAX_UPLOAD_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Reading a spreadsheet (ddm.tabular): each workbook is read by a child process under these limits.
DDM_READ_MEMORY_MB = env_int("DDM_READ_MEMORY_MB", 1536)
DDM_READ_SECONDS = env_int("DDM_READ_SECONDS", 300)
DDM_READ_MAX_CELLS = env_int("DDM_READ_MAX_CELLS", 5_000_000)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("DDM_HTTPS", False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600  # a year: browsers never again try plain HTTP for this site
    SESSION_COOKIE_SAMESITE = "Lax"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DDM_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DDM_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:  # preload listing binds the whole domain: its owner opts in, not this app
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("DDM_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# DDM_CACHE_URL: locmem:// (default), db:// or redis://host:port/n; see ddm/caching.py.
CACHES = {"default": cache_config(env_str("DDM_CACHE_URL"), env_int("DDM_CACHE_SECONDS", 3600))}

# Every record carries the request id and user (ddm.operations); DDM_LOG_FORMAT=json: one JSON object a line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "ddm.operations.RequestContextFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s"},
        "json": {"()": "ddm.operations.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request"],
                             "formatter": "json" if env_str("DDM_LOG_FORMAT") == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env_str("DDM_LOG_LEVEL", "WARNING")},
    "loggers": {"ddm.request": {"level": env_str("DDM_REQUEST_LOG_LEVEL", "WARNING")}},
}

NINJA_PAGINATION_PER_PAGE = 100
