import pytest

from tests.factories import StaffProfileFactory, UserFactory


@pytest.fixture
def safety_officer(office):
    user = UserFactory(username="safety1", first_name="Safety", roles=["safety_officer"], email="safety@example.com")
    StaffProfileFactory(user=user, office=office)
    return user


@pytest.fixture
def other_safety_officer(other_office):
    user = UserFactory(username="safety2", roles=["safety_officer"])
    StaffProfileFactory(user=user, office=other_office)
    return user
