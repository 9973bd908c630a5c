"""Bring up Django on a benchmark's own PostgreSQL database (created when missing, then migrated)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_bench_django(url: str, *, redis_url: str = "", queue: str = "", media_root: str = "") -> None:
    """Point Django at `url` (creating that database if needed), with or without a real broker, and migrate."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dispatch.settings")
    if media_root:
        os.environ.setdefault("MEDIA_ROOT", media_root)
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
        if queue:
            os.environ["CELERY_QUEUE"] = queue
    else:
        # Without a broker, tasks run in-process (the embedded default).
        os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
