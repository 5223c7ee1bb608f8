"""Settings for the 技能鹰潭 portal, read from the environment.

With no DATABASE_URL the portal uses an embedded SQLite file so that a new
user's first command works on a machine with no database server.
"""

import base64
import binascii
import datetime
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def is_fernet_key(text: str) -> bool:
    """A Fernet key (incentives.crypto): 32 bytes in URL-safe base64."""
    try:
        return len(base64.urlsafe_b64decode(text.encode("ascii"))) == 32
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


# development (the default) and test generate a throwaway SECRET_KEY per
# process; production refuses to start without a strong one and turns every
# HTTPS protection on (see the deployment section at the end).
DJANGO_ENV = os.environ.get("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV 只能是 development、test 或 production,当前为“{DJANGO_ENV}”。"
    )
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured(
        "生产环境(DJANGO_ENV=production)不得开启 DEBUG:调试页面会泄露配置与数据。"
        "请删除 DEBUG 环境变量或设为 0。"
    )
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "" if PRODUCTION else get_random_secret_key()
)
# The same test as Django's security.W009, made fatal in production.
if PRODUCTION and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith("django-insecure-")
):
    raise ImproperlyConfigured(
        "生产环境(DJANGO_ENV=production)必须在环境变量 SECRET_KEY 中设置至少 50 个"
        "字符的随机密钥,当前未设置或强度不足。可用以下命令生成:"
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", "")
# The audit chain's HMAC key: kept out of the database, so that its users
# cannot rewrite the trail and recompute the hashes. Development and tests
# use a key generated once into var/audit-chain.key (audit.signing).
AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
if PRODUCTION and (len(AUDIT_CHAIN_KEY) < 32 or AUDIT_CHAIN_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "生产环境(DJANGO_ENV=production)必须在环境变量 AUDIT_CHAIN_KEY 中设置至少 32 个"
        "字符、与 SECRET_KEY 不同的审计链密钥,当前未设置或不符合要求。可用以下命令生成:"
        "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
    )
# The key that encrypts personal data (the incentives' ID, phone and card
# numbers): a Fernet key, 32 bytes in URL-safe base64. Older keys in the
# fallbacks still decrypt until the data are re-encrypted (README).
# Development and tests use a key generated once into
# var/personal-data.key (incentives.crypto).
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "").strip()
PERSONAL_DATA_KEY_FALLBACKS = env_list("PERSONAL_DATA_KEY_FALLBACKS", "")
if PRODUCTION and not is_fernet_key(PERSONAL_DATA_KEY):
    raise ImproperlyConfigured(
        "生产环境(DJANGO_ENV=production)必须在环境变量 PERSONAL_DATA_KEY 中设置个人信息"
        "加密密钥(32 字节的 URL 安全 Base64 编码,共 44 个字符),当前未设置或格式不正确。"
        "可用以下命令生成:python3 -c 'import base64, os; "
        "print(base64.urlsafe_b64encode(os.urandom(32)).decode())'。"
        "密钥须另行妥善保存:丢失后已加密的身份证号、手机号和卡号无法恢复。"
    )
if PRODUCTION and not all(map(is_fernet_key, PERSONAL_DATA_KEY_FALLBACKS)):
    raise ImproperlyConfigured(
        "环境变量 PERSONAL_DATA_KEY_FALLBACKS 中有格式不正确的备用密钥:每个都应是"
        "44 个字符的 URL 安全 Base64 编码,以英文逗号分隔。"
    )
# Production names its host names; elsewhere the local ones are allowed.
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "import_export",
    "axes",
    "accounts",
    "audit",
    "tasks",
    "targets",
    "dispatch",
    "bulletins",
    "supervision",
    "assessment",
    "incentives",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files, hashed and compressed by collectstatic, served by the
    # portal itself (an intranet has no CDN), before any session work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yingtan.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # A personal-data key that cannot read the stored data stops the
    # incentives' pages with a 503 page, never garbage or a traceback.
    "incentives.middleware.PersonalDataKeyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yingtan.urls"
WSGI_APPLICATION = "yingtan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- More than one server ------------------------------------------------------
# Production runs several gunicorn processes, possibly on several machines,
# over one database. What one process writes, every other must see: the
# sessions and django-axes's failed sign-ins live in the database, and the
# cache (the public page's, targets.cache) in Redis, which production
# must name. Without REDIS_URL each process keeps its own cache in memory,
# so that the README's first command needs nothing but Python.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if PRODUCTION and not REDIS_URL:
    raise ImproperlyConfigured(
        "生产环境(DJANGO_ENV=production)必须在环境变量 REDIS_URL 中设置 Redis 地址,"
        "如 redis://127.0.0.1:6379/0:各 gunicorn 进程共用这一缓存,"
        "公开页面在读数审核通过后才能在所有进程中同时更新。"
    )
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "yingtan",
        # A Redis that stops answering fails a request in two seconds
        # rather than holding a gunicorn worker.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Background jobs (rendering a bulletin's PDF) go on an rq queue in this
# Redis, for `manage.py run_worker`; production must name one, so that no
# request waits on LibreOffice. Without QUEUE_URL a job runs in the process
# that asked for it, once its transaction commits (common.jobs), so that
# the README's first command needs nothing but Python. The queue may not
# share the cache's Redis database: clearing the cache empties its
# database, and the queued jobs with it.
QUEUE_URL = os.environ.get("QUEUE_URL", "").strip()
if PRODUCTION and not QUEUE_URL:
    raise ImproperlyConfigured(
        "生产环境(DJANGO_ENV=production)必须在环境变量 QUEUE_URL 中设置后台任务队列的"
        " Redis 地址,如 redis://127.0.0.1:6379/1,并运行 manage.py run_worker:"
        "通报的 PDF 等由任务进程生成,请求不等待。"
    )
if QUEUE_URL and QUEUE_URL == REDIS_URL:
    raise ImproperlyConfigured(
        f"QUEUE_URL 与 REDIS_URL 指向同一个 Redis 库({QUEUE_URL}):清空缓存会同时清空"
        "任务队列。请为 QUEUE_URL 换一个库号,如 redis://127.0.0.1:6379/1。"
    )

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"accounts.validators.{name}"}
    for name in (
        "MinimumLengthValidator",
        "CharacterClassesValidator",
        "UsernameInPasswordValidator",
        "UserAttributeSimilarityValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
# django-axes counts failed sign-ins; it must see every attempt first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# A refused form gets the portal's page, in Chinese, not Django's.
CSRF_FAILURE_VIEW = "yingtan.views.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# -- Accounts and sign-in --------------------------------------------------------
# A password older than this many days must be changed before anything else.
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", 90))
# A session ends after SESSION_COOKIE_AGE seconds without a request (the
# expiry moves on with every request) and SESSION_ABSOLUTE_SECONDS after
# the sign-in whatever happens; both are enforced on the server.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", 12 * 3600))
# Five failures lock the username (wherever they come from) for 15
# minutes; twenty lock the address they come from, whichever accounts were
# tried (ours, not axes's: accounts.lockout adds it), so colleagues behind
# one NAT address never lock each other out. Failures during a lock are
# not counted: one account adds at most five to its address, and the lock
# ends 15 minutes after the last counted failure. A success does not wipe
# the count, which keeps the address's failures for its limit.
AXES_FAILURE_LIMIT = 5
AXES_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_HANDLER = "accounts.lockout.UsernameAndAddressHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# The page names what is locked (the account or the address) and until when.
AXES_LOCKOUT_CALLABLE = "accounts.views.lockout"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Not the banner axes prints at every start, cron jobs included.
AXES_VERBOSE = False
# The address is read as the audit trail reads it: behind a proxy, from
# X-Forwarded-For when AUDIT_TRUST_X_FORWARDED_FOR is set; else every
# sign-in would share the proxy's address, and its lock.
AXES_CLIENT_IP_CALLABLE = "audit.context.client_ip"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Chinese for the admin strings Django's own zh_Hans catalog lacks (the
# filter_horizontal widget's); Django merges these into every catalog.
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# collectstatic writes each file under a name holding its hash, which
# pages link to and browsers cache for good. Tests render pages without
# running collectstatic, so there the files are found where they lie.
TESTING = "pytest" in sys.modules
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = TESTING or DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# Uploads larger than this are refused before they are read.
IMPORT_MAX_UPLOAD_BYTES = int(
    os.environ.get("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
)
# An xlsx whose parts unpack to more than this is refused before unpacking.
IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
)
IMPORT_MAX_ZIP_ENTRIES = int(os.environ.get("IMPORT_MAX_ZIP_ENTRIES", 500))
IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("IMPORT_MAX_COMPRESSION_RATIO", 200))
# Evidence files (佐证材料) larger than this are refused.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024))
# Monthly reports are due on this day of the month unless a period says
# otherwise; reminders go out this many days before the deadline.
REPORT_DEADLINE_DAY = int(os.environ.get("REPORT_DEADLINE_DAY", 25))
REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", 3))
# A target is green when its latest reading has covered this share of the
# way it should have come by now, yellow above the second share, red below
# it or with no reading for this many months.
TARGET_GREEN_AT = float(os.environ.get("TARGET_GREEN_AT", 0.95))
TARGET_YELLOW_AT = float(os.environ.get("TARGET_YELLOW_AT", 0.75))
TARGET_STALE_MONTHS = int(os.environ.get("TARGET_STALE_MONTHS", 2))
# The public page is cached at most this many seconds: a change to what it
# shows drops it at once (targets.cache).
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", 300))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jnyt-portal@localhost")
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_UPLOAD_BYTES + 1024 * 1024

# Audit records take the client's address from X-Forwarded-For only behind
# a proxy that sets the header itself (nginx: proxy_set_header
# X-Forwarded-For $remote_addr); a portal reached directly must not trust it.
# Models that moved app keep their rows' old labels in the trail (a row is
# never rewritten); the trail reads them under the new one.
AUDIT_FORMER_OBJECT_TYPES = {
    f"tasks.{model}": f"dispatch.{model}"
    for model in (
        "reportingperiod",
        "progressreport",
        "reporttransition",
        "evidence",
        "urge",
        "reminder",
    )
}
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("AUDIT_TRUST_X_FORWARDED_FOR", False)
# Each committed audit record's id and hash are appended here, out of the
# database users' reach, so that rows cut from the end are still known.
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("AUDIT_CHECKPOINT_DIR", BASE_DIR / "var" / "audit-checkpoints")
)

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# -- Deployment ----------------------------------------------------------------
# In production the portal runs under gunicorn behind nginx, which ends TLS
# and says so in X-Forwarded-Proto (README, 生产部署). Every protection is on
# there by default and each can be overridden from the environment.
SECURE_PROXY_SSL_HEADER = (
    tuple(
        env_list(
            "SECURE_PROXY_SSL_HEADER",
            "HTTP_X_FORWARDED_PROTO,https" if PRODUCTION else "",
        )
    )
    or None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
# Preloading binds every host of the registrable domain (the city's, shared
# with other offices' sites) to HTTPS in browsers for months; that is the
# domain owner's decision, not this portal's, so it is off unless asked for
# and Django's reminder of it (security.W021) is silenced while it is off.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# axes.W006 asks for the address among axes' own lockout parameters; here
# axes locks the username only and accounts.lockout locks an address that
# fails across several accounts, so that colleagues behind one NAT address
# do not lock each other out (tests/accounts/test_lockout.py).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Sent on every response by yingtan.middleware.ContentSecurityPolicyMiddleware,
# in the shape of Django 6.0's SECURE_CSP. No inline script or style anywhere:
# pages load their JavaScript and CSS from static files and pass data in
# json_script blocks.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Reminders and urges go through the city's mail relay when EMAIL_BACKEND
# is django.core.mail.backends.smtp.EmailBackend.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
