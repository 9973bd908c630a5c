"""The safety officer's coverage page in Chromium, with a screenshot kept as a test artefact."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dispatch.safety.planning import generate_plan
from tests.factories import AreaFactory, ServiceOfficeFactory, StaffProfileFactory, UserFactory, square
from tests.factories.org import PASSWORD
from tests.factories.safety import premises_of
from tests.workorders.conftest import make_technician

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_safety_officer_sees_coverage_by_area_and_month(live_server, page, artifacts):
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    year = timezone.localdate().year
    for code, name, lng in (("QX-01", "Minzu", 108.30), ("QX-02", "Taoyuan", 108.35)):
        area = AreaFactory(code=code, name=name, office=office, boundary=square(lng, 22.80, 0.05))
        make_technician(office, f"insp-{code}", skills=("inspection",), primary_area=area, daily_capacity=1)
        for index in range(12):
            premises_of(area, "residential", last_inspected=date(year - 2, 1 + index, 10))
        generate_plan(area=area, year=year, actor=None, today=date(year, 1, 1))
    user = UserFactory(username="safety", first_name="Haifeng", roles=["safety_officer"])
    StaffProfileFactory(user=user, office=office)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "safety")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/safety/?year={year}")

    expect(page.locator("h1")).to_have_text("Inspection coverage")
    expect(page.locator("#coverage-table tbody tr")).to_have_count(2)
    expect(page.locator("#coverage-table tr[data-area='QX-01']")).to_contain_text("Minzu")
    expect(page.locator("#coverage-summary")).to_contain_text("0 of 24")
    expect(page.locator("svg.chart rect").first).to_be_visible()
    expect(page.locator("a", has_text="XLSX")).to_be_visible()
    path = artifacts / "safety-coverage.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.exists() and path.stat().st_size > 0
    assert errors == []
