import pytest

from tests.factories import AreaFactory, UserFactory, square
from tests.workorders.conftest import make_technician


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def inspector(office, area):
    return make_technician(office, "inspector", skills=("inspection", "pipe_rectification"), primary_area=area)


@pytest.fixture
def fitter(office):
    return make_technician(office, "fitter", skills=("pipe_rectification",))


@pytest.fixture
def officer(office):
    from tests.factories import StaffProfileFactory

    user = UserFactory(username="officer1", roles=["safety_officer"])
    StaffProfileFactory(user=user, office=office)
    return user
