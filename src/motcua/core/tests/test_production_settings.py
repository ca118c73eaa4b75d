"""Production settings refuse to start when unsafe; the console script wraps Django."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

MOTCUA = str(Path(sys.executable).with_name("motcua"))
GOOD_KEY = "k" * 64


def run_check(tmp_path, **env):
    base = {
        k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "MOTCUA_DEMO_DATA"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="motcua.conf.production",
        MOTCUA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        ALLOWED_HOSTS="motcua.example.gov.vn",
    )
    base.update(env)
    return subprocess.run([MOTCUA, "check"], env=base, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "true"}, "DEBUG must be off"),
        ({}, "Set SECRET_KEY"),
        ({"SECRET_KEY": "insecure-motcua-development-key-change-me"}, "Set SECRET_KEY"),
        ({"SECRET_KEY": GOOD_KEY, "MOTCUA_DEMO_DATA": "1"}, "MOTCUA_DEMO_DATA must be off"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "maybe"}, "DEBUG must be true or false"),
        (
            {"SECRET_KEY": GOOD_KEY, "MOTCUA_AUDIT_ANCHOR_KEY": "short"},
            "MOTCUA_AUDIT_ANCHOR_KEY must be at least 32",
        ),
    ],
)
def test_production_settings_refuse_unsafe_configuration(tmp_path, env, message):
    result = run_check(tmp_path, **env)
    assert result.returncode != 0
    assert message in result.stderr


def test_production_settings_start_when_safe(tmp_path):
    result = run_check(tmp_path, SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_database_url_defaults_to_sqlite_under_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="motcua.conf.dev", MOTCUA_VAR_DIR=str(tmp_path))
    code = "from django.conf import settings; print(settings.DATABASES['default']['NAME'])"
    result = subprocess.run(
        [MOTCUA, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(tmp_path / "motcua.sqlite3")
