"""Production settings: refuse to start when unsafe (DEBUG, default secret key, demo data).

Run behind a TLS-terminating reverse proxy; see docs/deployment.md.
"""

from django.core.exceptions import ImproperlyConfigured

from motcua.conf.base import *  # noqa: F403
from motcua.conf.base import (
    DEBUG,
    DEFAULT_SECRET_KEY,
    DEMO_KEY_ENCRYPTION_KEY,
    MOTCUA_AUDIT_ANCHOR_KEY,
    MOTCUA_DEMO_DATA,
    MOTCUA_KEY_ENCRYPTION_KEY,
    SECRET_KEY,
)
from motcua.conf.env import env_bool, env_int

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production (unset DEBUG or set DEBUG=false).")
if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a random value of at least 50 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
if MOTCUA_DEMO_DATA:
    raise ImproperlyConfigured("MOTCUA_DEMO_DATA must be off in production.")
# The published demo key-encryption key is never used here: without MOTCUA_KEY_ENCRYPTION_KEY the
# site starts, but storing or using a signing key is refused with a message naming the variable.
if MOTCUA_KEY_ENCRYPTION_KEY == DEMO_KEY_ENCRYPTION_KEY:
    MOTCUA_KEY_ENCRYPTION_KEY = ""
elif len(MOTCUA_KEY_ENCRYPTION_KEY) < 32:
    raise ImproperlyConfigured("MOTCUA_KEY_ENCRYPTION_KEY must be at least 32 characters long.")
# The key that signs the audit chain's anchors (empty: derived from SECRET_KEY).
if MOTCUA_AUDIT_ANCHOR_KEY and len(MOTCUA_AUDIT_ANCHOR_KEY) < 32:
    raise ImproperlyConfigured("MOTCUA_AUDIT_ANCHOR_KEY must be at least 32 characters long.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# SECURE_SSL_REDIRECT: redirect http to https (default on; off when the proxy already does it).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# SECURE_HSTS_SECONDS: HSTS max-age (default one year).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# MOTCUA_REQUIRE_2FA: staff sign in with a TOTP code after the password (default on here).
MOTCUA_REQUIRE_2FA = env_bool("MOTCUA_REQUIRE_2FA", True)
