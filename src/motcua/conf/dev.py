"""Development and demo settings (``make run``): DEBUG on, demo data allowed, local SQLite."""

from motcua.conf.base import *  # noqa: F403
from motcua.conf.env import env_bool

DEBUG = env_bool("DEBUG", True)
MOTCUA_DEMO_DATA = env_bool("MOTCUA_DEMO_DATA", True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# No collectstatic outside production: WhiteNoise serves from the finders.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
