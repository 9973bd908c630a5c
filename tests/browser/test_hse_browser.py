"""The safety officer's hazard register and heat map in Chromium, with a screenshot kept as a test artefact."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dispatch.hse.models import EntryKind, HazardCategory, RiskMethod
from tests.factories import AreaFactory, ServiceOfficeFactory, StaffProfileFactory, UserFactory, square
from tests.factories.hse import HazardRegisterFactory, make_hazard
from tests.factories.org import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_safety_officer_filters_the_register_and_sees_the_heat_map(live_server, page, artifacts):
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))
    officer = UserFactory(username="safety", first_name="Safety", roles=["safety_officer"])
    StaffProfileFactory(user=officer, office=office, weekdays=[])
    field = HazardRegisterFactory(name="Field work", method=RiskMethod.LEC, office=office)
    depot = HazardRegisterFactory(name="Depot and offices", method=RiskMethod.MATRIX, office=office)
    for activity, l_value, e_value, c_value in [("Cutting into live mains", "3", "6", "15"),
                                                ("Indoor pipe rectification", "3", "6", "7"),
                                                ("Meter reading in basements", "1", "6", "7"),
                                                ("Office filing", "0.5", "6", "1")]:
        make_hazard(register=field, activity=activity, area=area, responsible=officer, lec_l=Decimal(l_value),
                    lec_e=Decimal(e_value), lec_c=Decimal(c_value))
    for activity, likelihood, severity in [("Forklift in the meter store", 4, 4), ("Stairs to the roof", 4, 4),
                                           ("LPG cylinder cage", 3, 5), ("Printer toner", 1, 2)]:
        make_hazard(register=depot, activity=activity, responsible=officer, likelihood=likelihood, severity=severity)
    make_hazard(register=depot, kind=EntryKind.ASPECT, category=HazardCategory.EMISSION, responsible=officer,
                activity="Purging new services", description="Natural gas vented to air", likelihood=3, severity=3)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith("data:") else None)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "safety")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/hse/")

    rows = page.locator("#hse-register-table tbody tr[data-number]")
    expect(rows).to_have_count(9)
    heatmap = page.locator("#heatmap svg")
    expect(heatmap).to_be_visible()
    expect(page.locator("#heatmap .heat-cell")).to_have_count(25)
    expect(page.locator('#heatmap .heat-cell[data-likelihood="4"][data-severity="4"]')).to_have_attribute(
        "data-count", "2")
    expect(page.locator('#heatmap .heat-cell[data-likelihood="4"][data-severity="4"] text')).to_have_text("2")
    expect(page.locator('#lec-bands .lec-bar[data-band="high"]')).to_have_attribute("data-count", "1")
    box = heatmap.bounding_box()
    assert box["width"] > 300 and box["height"] > 300

    # Filter to the high band: the two forklift/stairs lines and the live-mains cutting.
    page.select_option("select[name=band]", "high")
    page.click("#hse-filters button[type=submit]")
    expect(rows).to_have_count(3)
    expect(page.locator("#hse-register-table")).to_contain_text("Cutting into live mains")
    expect(page.locator("#hse-register-table")).not_to_contain_text("Printer toner")

    page.goto(f"{live_server.url}/hse/")
    expect(rows).to_have_count(9)
    shot = artifacts / "hse-register.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.exists() and shot.stat().st_size > 10_000

    with page.expect_download() as download:
        page.click("text=Export XLSX")
    assert download.value.suggested_filename.endswith(".xlsx")

    page.goto(f"{live_server.url}/hse/attention/")
    expect(page.locator("#significant-without-controls")).to_contain_text("Cutting into live mains")
    assert errors == []
    assert outside == []
