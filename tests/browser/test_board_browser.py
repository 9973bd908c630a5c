"""The dispatcher board in a real browser: an emergency from the queue to closed."""

import re
from datetime import time

import pytest
from playwright.sync_api import expect

from dispatch.org.models import WeeklyShift
from dispatch.workorders import services
from dispatch.workorders.models import Status
from tests.factories import AreaFactory, ServiceOfficeFactory, StaffProfileFactory, UserFactory, square
from tests.factories.org import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMERGENCY_DONE = {"checklist_answers": {"leak_test_done": True, "area_ventilated": True},
                  "data": {"escape_found": True, "made_safe": "Meter valve closed, joint re-made"}}


def _staff(office, username: str, role: str, skills=()):
    user = UserFactory(username=username, first_name=username.title(), roles=[role])
    staff = StaffProfileFactory(user=user, office=office, skills=list(skills), weekdays=[],
                                home_lat=22.805, home_lng=108.31)
    if role == "technician":  # round the clock, every day: the test may run at any hour
        for weekday in range(7):
            WeeklyShift.objects.create(staff=staff, weekday=weekday, start=time(0, 0), end=time(23, 59))
    return staff


def _order(area, actor, kind: str, address: str, offset: float):
    return services.work_order_create(actor=actor, kind=kind, area=area, address=address,
                                      lat=22.80 + offset, lng=108.30 + offset)


def _shot(page, artifacts, name: str):
    path = artifacts / f"board-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_dispatcher_assigns_an_emergency_and_sees_it_through_to_closed(live_server, page, artifacts):
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))
    AreaFactory(code="QX-02", name="Taoyuan", office=office, boundary=square(108.35, 22.80, 0.05))
    desk = _staff(office, "desk", "dispatcher").user
    responder = _staff(office, "responder", "technician", skills=["emergency", "repair"])
    reader = _staff(office, "reader", "technician", skills=["meter_reading"])
    repair = _order(area, desk, "repair", "18 Minzu Avenue", 0.01)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    shots = []

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "desk")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("a[href='/board/']").first).to_be_visible()
    page.goto(f"{live_server.url}/board/")
    expect(page.locator(".queue .wo-card")).to_have_count(1)

    # A gas escape is phoned in: it tops the queue, in red, with its one-hour clock running.
    escape = _order(area, desk, "emergency", "7 Taoyuan Road, flat 302", 0.02)
    page.reload()
    top = page.locator(".queue .wo-card").first
    expect(top).to_have_attribute("data-number", escape.number)
    expect(top).to_have_class(re.compile(r"\bprio-emergency\b"))
    timer = top.locator(".sla-time")
    expect(timer).to_have_text(re.compile(r"^0:5\d:\d\d$"))
    shown = timer.text_content()
    expect(timer).not_to_have_text(shown)  # board.js counts down in the browser
    expect(page.locator(f".map-job[data-order-id='{escape.pk}']")).to_be_visible()
    shots.append(_shot(page, artifacts, "queue"))

    # Click the job, then the technician: assigned without a page reload.
    top.locator(".wo-address").click()
    expect(top).to_have_class(re.compile(r"\bselected\b"))
    page.locator(f"#tech-{responder.pk} .tech-pick").click()
    card = page.locator(f"#wo-{escape.pk}")
    expect(card.locator(".badge-status")).to_have_text("Assigned")
    expect(card.locator(".wo-assignee")).to_have_text("Responder")
    expect(card).to_have_attribute("data-version", "2")
    expect(page.locator(f"#tech-{responder.pk} .slot[data-order-id='{escape.pk}']")).to_be_visible()
    shots.append(_shot(page, artifacts, "assigned"))

    # A repair offered to the meter reader is refused, with the reason in the card.
    repair_card = page.locator(f"#wo-{repair.pk}")
    repair_card.locator("select[name=technician]").select_option(str(reader.pk))
    repair_card.locator("form.wo-assign button").click()
    expect(repair_card.locator(".wo-error")).to_contain_text("Reader lacks the skill “repair”.")
    expect(page.locator(f"#tech-{reader.pk} .slot")).to_have_count(0)
    shots.append(_shot(page, artifacts, "refused"))

    # Dragging the repair onto the responder's row assigns it there.
    repair_card.drag_to(page.locator(f"#tech-{responder.pk} .tech-track"))
    expect(repair_card.locator(".badge-status")).to_have_text("Assigned")
    expect(page.locator(f"#tech-{responder.pk} .slot")).to_have_count(2)

    # The desk dispatches; the technician travels, arrives and completes; the desk closes.
    card.locator("button.wo-dispatch").click()
    expect(card.locator(".badge-status")).to_have_text("Dispatched")
    for step in (Status.EN_ROUTE, Status.ON_SITE):
        services.transition(work_order_id=escape.pk, to_status=step, actor=responder.user)
    services.complete(work_order_id=escape.pk, actor=responder.user, **EMERGENCY_DONE)
    services.transition(work_order_id=escape.pk, to_status=Status.CLOSED, actor=desk)

    page.reload()
    expect(page.locator(f"#wo-{escape.pk}")).to_have_count(0)  # no longer in the open queue
    expect(page.locator(f"#tech-{responder.pk} .slot[data-order-id='{escape.pk}']")).to_contain_text("Closed")
    page.select_option("#id_status", "closed")
    expect(page).to_have_url(re.compile(r"[?&]status=closed\b"))
    expect(page.locator(f"#wo-{escape.pk} .badge-status")).to_have_text("Closed")
    expect(page.locator(".queue .wo-card")).to_have_count(1)
    shots.append(_shot(page, artifacts, "closed"))

    assert errors == []
    for path in shots:
        assert path.exists() and path.stat().st_size > 0, path
