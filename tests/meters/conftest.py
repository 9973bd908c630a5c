from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AreaFactory, PremisesFactory, UserFactory, square
from tests.factories.meters import installed_meter


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def premises(area):
    return PremisesFactory(area=area, lat=22.81, lng=108.31)


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def meter(premises, now):
    """Installed 400 days ago at the premises with an opening reading of 100 m³."""
    return installed_meter(premises, opening="100", installed_at=now - timedelta(days=400))


@pytest.fixture
def lab(db):
    return UserFactory(username="lab1", roles=["lab"])
