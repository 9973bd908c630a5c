"""Settings entry point: the embedded default unless the environment says otherwise.

`dispatch.settings` runs on SQLite with eager Celery tasks when no DATABASE_URL / REDIS_URL is given.
`dispatch.settings.production` adds the hardening required for a public deployment.
"""

from .base import *  # noqa: F403
