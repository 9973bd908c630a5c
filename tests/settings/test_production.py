"""dispatch.settings.production: clean under `check --deploy`, and refuses to start half-configured."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/dispatch"
# Nothing listens on port 9 (discard); a command that connected to the database would fail against it.
UNREACHABLE_POSTGRES_URL = "postgres://postgres@127.0.0.1:9/dispatch"


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # Only the basics of the caller's environment: a test run may export settings of its own (DATABASE_URL,
    # DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests' live server, ...) that a deployment would not have.
    base = {key: value for key, value in os.environ.items()
            if key in {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ"}}
    base.update({"DJANGO_SETTINGS_MODULE": "dispatch.settings.production", "DISPATCH_VAR_DIR": str(tmp_path),
                 "PYTHONWARNINGS": "default"}, **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=120)


def production_env(**overrides: str) -> dict[str, str]:
    env = {"SECRET_KEY": secrets.token_urlsafe(64), "DATABASE_URL": POSTGRES_URL,
           "ALLOWED_HOSTS": "dispatch.example.com"}
    env.update(overrides)
    return env


@pytest.mark.parametrize("database_url", [POSTGRES_URL, UNREACHABLE_POSTGRES_URL])
def test_check_deploy_is_clean_and_does_not_connect(tmp_path, database_url, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the test run's own flags must not leak in
    result = manage("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path,
                    **production_env(DATABASE_URL=database_url))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
    assert "?: (" not in result.stdout + result.stderr  # no system-check messages at all


def test_production_settings_are_hardened(tmp_path):
    script = ("from django.conf import settings as s; "
              "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
              "s.SECURE_HSTS_SECONDS >= 31536000, s.DATABASES['default']['ENGINE'], s.ALLOWED_HOSTS)")
    result = manage("shell", "--no-imports", "-v", "0", "-c", script, tmp_path=tmp_path, **production_env(DEBUG="true"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True", "True", "True", "True",
                                     "django.db.backends.postgresql", "['dispatch.example.com']"]


@pytest.mark.parametrize("env, message", [
    ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "   "}, "SECRET_KEY must be set"),
    ({"SECRET_KEY": "dev-only-insecure-key-change-me-in-production-0123456789abcdef"}, "SECRET_KEY must be set"),
    ({"DATABASE_URL": None}, "DATABASE_URL must point at PostgreSQL"),
    ({"DATABASE_URL": "sqlite:////tmp/dispatch.sqlite3"}, "DATABASE_URL must point at PostgreSQL"),
])
def test_production_refuses_to_start_half_configured(tmp_path, env, message):
    settings_env = production_env()
    for key, value in env.items():
        if value is None:
            settings_env.pop(key)
        else:
            settings_env[key] = value

    result = manage("check", tmp_path=tmp_path, **settings_env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
