"""Test settings: fast hashing, immediate tasks, temporary media; database from DATABASE_URL."""

import tempfile
from pathlib import Path

from motcua.conf.base import *  # noqa: F403

DEBUG = False
MOTCUA_DEMO_DATA = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="motcua-test-media-"))
# Anchors of the audit chain: never the developer's var/ (tests that anchor use their own dir).
MOTCUA_AUDIT_ANCHOR_DIR = Path(tempfile.mkdtemp(prefix="motcua-test-anchors-"))
MOTCUA_AUDIT_ANCHOR_KEY = "test-audit-anchor-key-of-at-least-32-characters"
# One role: the tests connect as the owner; the two-role tests set this themselves.
MIGRATE_DATABASE_URL = ""
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default"],
    }
}
LANGUAGE_CODE = "vi"

# No collectstatic outside production: WhiteNoise serves from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
# The calendar calculator's throttle stays on but high; tests of the throttle lower it.
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"calendar": "100000/min"}}  # noqa: F405

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The API call log adds one INSERT per request, which would shift other apps' query counts; the
# apiaccess tests turn it on.
MOTCUA_API_LOG = False
