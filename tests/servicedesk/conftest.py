import pytest

from tests.factories import AreaFactory, PremisesFactory, UserFactory, square


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def premises(area):
    return PremisesFactory(area=area)


@pytest.fixture
def other_agent(office):
    from tests.conftest import _staff

    return _staff("agent", office, "agent2")


@pytest.fixture
def supervisor(office):
    from tests.conftest import _staff

    return _staff("manager", office, "head2")


@pytest.fixture
def outsider(db):
    return UserFactory(username="lab1", roles=["lab"])
