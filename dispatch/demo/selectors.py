"""Reads for seed_demo: whether the database is empty, and which demo accounts it holds."""

from django.contrib.auth.models import User

from dispatch.org.models import ServiceOffice

from .staff import DEMO_LOGINS, DemoLogin


def database_has_offices() -> bool:
    """A database with a service office is in use (demo or real): seed_demo leaves it alone."""
    return ServiceOffice.objects.exists()


def present_demo_logins() -> list[DemoLogin]:
    """The demo sign-ins whose accounts exist in this database (none in a real one)."""
    existing = set(User.objects.filter(username__in=[login.username for login in DEMO_LOGINS])
                   .values_list("username", flat=True))
    return [login for login in DEMO_LOGINS if login.username in existing]
