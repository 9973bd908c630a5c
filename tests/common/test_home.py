import pytest
from django.test import Client

from tests.factories import StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role, shown, hidden", [
    ("technician", ["/m/"], ["/board/", "/hse/", "/desk/"]),
    ("agent", ["/desk/"], ["/board/", "/m/", "/reports/"]),
    ("dispatcher", ["/board/", "/desk/", "/reports/"], ["/m/", "/hse/"]),
    ("safety_officer", ["/safety/", "/hse/"], ["/board/", "/desk/"]),
    ("manager", ["/board/", "/safety/", "/hse/", "/desk/", "/reports/"], ["/m/"]),
])
def test_home_links_each_role_to_its_own_pages(office, role, shown, hidden):
    user = UserFactory(username=f"home-{role}", roles=[role])
    StaffProfileFactory(user=user, office=office)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)

    page = client.get("/").content.decode()

    for path in shown:
        assert f'href="{path}"' in page, path
    for path in hidden:
        assert f'href="{path}"' not in page, path
