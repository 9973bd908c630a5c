from datetime import date, time

import pytest
from django.utils import timezone

from dispatch.org.models import ShiftException, WeeklyShift
from tests.factories import AreaFactory, StaffProfileFactory, UserFactory, square

ALL_DAY = (time(0, 0), time(23, 59))


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def today() -> date:
    return timezone.localdate()


def make_technician(office, username: str, skills=("repair",), weekdays=range(7), hours=ALL_DAY, **kwargs):
    """A technician who, unless told otherwise, works every day round the clock (tests run at any hour)."""
    user = UserFactory(username=username, roles=["technician"])
    staff = StaffProfileFactory(user=user, office=office, skills=list(skills), weekdays=[], **kwargs)
    for weekday in weekdays:
        WeeklyShift.objects.create(staff=staff, weekday=weekday, start=hours[0], end=hours[1])
    return staff


@pytest.fixture
def repairer(office):
    return make_technician(office, "repairer")


@pytest.fixture
def make_tech(office):
    def make(username, **kwargs):
        return make_technician(kwargs.pop("office", office), username, **kwargs)

    return make


@pytest.fixture
def on_leave(make_tech, today):
    staff = make_tech("away")
    ShiftException.objects.create(staff=staff, date=today, kind=ShiftException.Kind.LEAVE)
    return staff
