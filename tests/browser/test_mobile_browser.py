"""The technician's phone app in a real browser: a day's jobs online and offline, nothing lost, nothing doubled."""

import io
import re
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from dispatch.common.models import IdempotencyRecord
from dispatch.workorders import services
from dispatch.workorders.models import Status, WorkOrder, WorkOrderAttachment, WorkOrderEvent
from tests.factories import AreaFactory, PremisesFactory, ServiceOfficeFactory, UserFactory, square
from tests.factories.org import PASSWORD
from tests.workorders.conftest import make_technician

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WAIT = 20_000  # ms: generous; expect() returns as soon as the page gets there
PHONE = {
    "viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
    "locale": "en-US", "timezone_id": "Asia/Shanghai", "permissions": ["geolocation"],
    "geolocation": {"latitude": 22.8105, "longitude": 108.3105, "accuracy": 10},
    "user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/130.0 Mobile Safari/537.36",
}
expect.set_options(timeout=WAIT)
REPAIR_DONE = {"checklist_answers": {"leak_test_done": True, "supply_restored_safely": True},
               "data": {"fault_found": "Old hose", "work_done": "New hose"}}


@pytest.fixture
def phone(browser):
    """A factory of phone-sized browser contexts; `service_workers="block"` where the test is about the queue."""
    contexts = []

    def make(**extra):
        context = browser.new_context(**{**PHONE, **extra})
        context.set_default_timeout(WAIT)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def shot(artifacts):
    taken = []

    def take(page, name: str):
        path = artifacts / f"mobile-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        taken.append(path)
        return path

    yield take
    for path in taken:
        assert path.exists() and path.stat().st_size > 0, path


@pytest.fixture
def field(db):
    """An office, its dispatcher, a technician with a planned, dispatched day of three jobs, and a colleague."""
    office = ServiceOfficeFactory(code="QX", name="Qingxiu")
    area = AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))
    desk = UserFactory(username="desk", roles=["dispatcher"])
    from tests.factories import StaffProfileFactory

    StaffProfileFactory(user=desk, office=office, weekdays=[])
    tech = make_technician(office, "lihua", skills=("repair", "emergency"))
    colleague = make_technician(office, "wangwei", skills=("repair", "emergency"))
    today = timezone.localdate()

    def at(hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(today, time(hour)))

    def job(kind: str, sequence: int, hour: int, address: str, notes: str, offset: float):
        premises = PremisesFactory(area=area, address=address, lat=22.81 + offset, lng=108.31 + offset,
                                   access_notes=notes)
        order = services.work_order_create(actor=desk, kind=kind, premises=premises, scheduled_date=today,
                                           window_start=at(hour), window_end=at(hour + 2),
                                           description="Customer reports a smell of gas" if kind == "emergency"
                                           else "Stove will not light")
        services.assign(work_order_id=order.pk, technician=tech, actor=desk, sequence=sequence)
        services.transition(work_order_id=order.pk, to_status=Status.DISPATCHED, actor=desk)
        return WorkOrder.objects.get(pk=order.pk)

    first = job("repair", 1, 9, "18 Minzu Avenue, flat 501", "Ring twice; dog in the yard", 0.0)
    second = job("emergency", 2, 11, "7 Taoyuan Road, flat 302", "Meter box in the stairwell", 0.002)
    third = job("repair", 3, 14, "3 Jinhu Road", "Key with the neighbour in 3B", 0.004)
    # Earlier work at the first address, shown as its history.
    earlier = services.work_order_create(actor=desk, kind="repair", premises=first.premises,
                                         scheduled_date=today - timedelta(days=1))
    services.assign(work_order_id=earlier.pk, technician=tech, actor=desk)
    for step in (Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SITE):
        services.transition(work_order_id=earlier.pk, to_status=step, actor=desk)
    services.complete(work_order_id=earlier.pk, actor=tech.user, notes="Replaced the regulator", **REPAIR_DONE)
    return {"desk": desk, "tech": tech, "colleague": colleague, "jobs": (first, second, third), "earlier": earlier}


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, "JPEG", quality=80)
    return out.getvalue()


def sign_in(page, url: str):
    page.goto(f"{url}/m/")
    page.fill("#login-form input[name=username]", "lihua")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")


def open_job(page, order):
    page.locator(f".jobs li[data-job-id='{order.pk}'] .job-open").click()
    expect(page.locator("#title")).to_have_text(order.number)


def step(page, label: str, status: str):
    button = page.locator("#step")
    expect(button).to_have_text(label)
    button.click()
    expect(page.locator("#job-status")).to_have_text(status)


def answer_yes(page, *keys: str):
    for key in keys:
        page.locator(f".field[data-name='{key}'] .seg", has_text="Yes").click()


def draw_signature(page):
    pad = page.locator("#sigpad")
    pad.evaluate("el => el.scrollIntoView({block: 'center'})")  # clear of the action bar at the bottom
    box = pad.bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.1, y + h * 0.6)
    page.mouse.down()
    for i in range(1, 13):
        page.mouse.move(x + w * (0.1 + 0.065 * i), y + h * (0.6 - 0.3 * ((i % 4) / 3)), steps=3)
    page.mouse.up()


def completions(order) -> int:
    return WorkOrderEvent.objects.filter(work_order=order, to_status=Status.COMPLETED).count()


def test_a_day_online_then_offline_every_action_arrives_once(live_server, phone, field, shot):
    first, second, third = field["jobs"]
    context = phone(service_workers="block")  # this test is about the page's own queue
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    sign_in(page, live_server.url)
    cards = page.locator(".jobs > li")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_have_attribute("data-job-id", str(first.pk))
    expect(cards.nth(1)).to_have_class(re.compile(r"\bprio-emergency\b"))
    card = cards.nth(0)
    expect(card.locator(".window")).to_have_text("09:00–11:00")
    expect(card.locator(".job-access")).to_have_text("Ring twice; dog in the yard")
    expect(card.locator(".job-customer")).to_have_text(first.premises.account.name)
    expect(card.locator("a[href^='geo:22.81,108.31']")).to_have_text("Navigate")
    expect(card.locator(f"a[href='tel:{first.premises.account.phone}']")).to_have_text("Call")
    expect(page.locator("#sync")).to_have_attribute("data-state", "ok")
    shot(page, "day")

    # The first job, online: travel, arrive, a photo, the customer's signature, the checklist, done.
    open_job(page, first)
    expect(page.locator(".history")).to_contain_text(field["earlier"].number)
    expect(page.locator(".history")).to_contain_text("Replaced the regulator")
    step(page, "Start travel", "En route")
    step(page, "Arrive", "On site")
    page.set_input_files("#photo-input", files=[{"name": "meter.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    expect(page.locator("#photo-count")).to_have_text("On the server: 1")
    draw_signature(page)
    page.fill("#signature input[name=signer_name]", "Zhang San")
    page.click("#signature-save")
    expect(page.locator("#signature-count")).to_have_text("On the server: 1")
    page.click("#complete")  # nothing answered yet: the phone says what is missing, nothing is sent
    expect(page.locator(".field[data-name='cl:leak_test_done'] .field-error")).to_have_text("Answer this item.")
    expect(page.locator(".field[data-name='f:fault_found'] .field-error")).to_have_text("This field is required.")
    answer_yes(page, "cl:leak_test_done", "cl:supply_restored_safely")
    page.fill("[name='f:fault_found']", "Burner cap cracked")
    page.fill("[name='f:work_done']", "Burner cap replaced, flame checked")
    shot(page, "job-form")
    page.click("#complete")
    expect(page.locator("#job-status")).to_have_text("Completed")
    expect(page.locator("#sync")).to_have_attribute("data-state", "ok")
    shot(page, "job-completed")
    assert completions(first) == 1
    assert WorkOrder.objects.get(pk=first.pk).completion_data["fault_found"] == "Burner cap cracked"

    # No network: the emergency is worked and completed on the phone; the third job is started too.
    context.set_offline(True)
    page.click("#back")
    expect(page.locator("#sync")).to_have_attribute("data-state", "offline")
    open_job(page, second)
    step(page, "Start travel", "En route")
    step(page, "Arrive", "On site")
    answer_yes(page, "cl:leak_test_done", "cl:area_ventilated", "f:escape_found")
    page.fill("[name='f:made_safe']", "Meter valve closed, union re-made")
    page.fill("[name='f:detector_reading_ppm']", "12.5")
    page.click("#complete")
    expect(page.locator("#job-status")).to_have_text("Completed")
    expect(page.locator("#sync")).to_have_text("Offline — actions waiting: 3")

    page.click("#back")
    open_job(page, third)
    step(page, "Start travel", "En route")
    step(page, "Arrive", "On site")
    answer_yes(page, "cl:leak_test_done", "cl:supply_restored_safely")
    page.fill("[name='f:fault_found']", "Gate locked, meter behind the fence")
    page.fill("[name='f:work_done']", "Talked to the neighbour")
    page.click("#complete")
    expect(page.locator("#sync")).to_have_text("Offline — actions waiting: 6")
    expect(page.locator("#sync")).to_have_attribute("data-pending", "6")
    page.click("#back")
    expect(page.locator(f".jobs li[data-job-id='{second.pk}'] .status")).to_have_text("Completed")
    shot(page, "offline-queue")

    # Meanwhile the desk gives the third job to a colleague; nothing has reached the server yet.
    assert completions(second) == 0
    services.assign(work_order_id=third.pk, technician=field["colleague"], actor=field["desk"],
                    expected_version=WorkOrder.objects.get(pk=third.pk).version)

    # The network returns: the queue drains in order; the third job's actions are kept, not dropped.
    context.set_offline(False)
    expect(page.locator("#sync")).to_have_attribute("data-pending", "0")
    expect(page.locator("#sync")).to_have_attribute("data-attention", "3")
    expect(page.locator("#sync")).to_have_text("Actions that need you: 3")
    expect(page.locator(f".jobs li[data-job-id='{third.pk}'] .taken-note")).to_be_visible()
    open_job(page, third)
    banner = page.locator(".taken-banner")
    expect(banner).to_contain_text("This job was taken away from you")
    expect(banner).to_contain_text("This job is no longer assigned to you.")
    kept = page.locator(".kept")
    expect(kept.locator(".kept-item")).to_have_count(3)
    expect(kept).to_contain_text("Gate locked, meter behind the fence")
    expect(kept).to_contain_text("Talked to the neighbour")
    expect(page.locator("#step")).to_have_count(0)
    shot(page, "taken-away")

    assert completions(first) == 1 and completions(second) == 1 and completions(third) == 0
    done = WorkOrder.objects.get(pk=second.pk)
    assert done.status == Status.COMPLETED
    assert done.completion_data["made_safe"] == "Meter valve closed, union re-made"
    assert done.checklist_answers == {"leak_test_done": True, "area_ventilated": True}
    arrived = WorkOrderEvent.objects.get(work_order=second, to_status=Status.ON_SITE)
    assert (round(arrived.lat, 4), round(arrived.lng, 4)) == (22.8105, 108.3105)
    assert WorkOrder.objects.get(pk=third.pk).assignee == field["colleague"]
    photo = WorkOrderAttachment.objects.get(work_order=first, kind=WorkOrderAttachment.Kind.PHOTO)
    signature = WorkOrderAttachment.objects.get(work_order=first, kind=WorkOrderAttachment.Kind.SIGNATURE)
    assert photo.content_type == "image/jpeg" and photo.size > 0
    assert signature.content_type == "image/png" and signature.signer_name == "Zhang San"
    assert IdempotencyRecord.objects.filter(user=field["tech"].user).count() >= 9
    # The phone still holds the third job's actions for the technician to see, and discard if they choose.
    kept_on_phone = page.evaluate("FieldStore.counts('lihua')")
    assert kept_on_phone == {"pending": 0, "blocked": 0, "taken": 3, "total": 3}
    assert errors == []


def test_a_refused_completion_is_kept_with_the_servers_message_until_fixed(live_server, phone, field):
    first = field["jobs"][0]
    for to in (Status.EN_ROUTE, Status.ON_SITE):
        services.transition(work_order_id=first.pk, to_status=to, actor=field["tech"].user)
    context = phone(service_workers="block")
    page = context.new_page()
    sign_in(page, live_server.url)
    open_job(page, first)
    expect(page.locator("#job-status")).to_have_text("On site")
    answer_yes(page, "cl:leak_test_done", "cl:supply_restored_safely")
    page.fill("[name='f:fault_found']", "Loose joint")
    # Longer than the server allows, past the phone's own limit: the server's refusal must reach the technician.
    page.locator("[name='f:work_done']").evaluate("el => el.removeAttribute('maxlength')")
    page.fill("[name='f:work_done']", "x" * 1001)
    page.click("#complete")

    refused = page.locator(".kept-item.state-blocked")
    expect(refused).to_contain_text("The server refused this action: The completion record is not complete.")
    expect(refused).to_contain_text("Work done: Ensure this field has no more than 1000 characters.")
    expect(page.locator(".field[data-name='f:work_done'] .field-error")).to_have_text(
        "Ensure this field has no more than 1000 characters.")
    expect(page.locator("#sync")).to_have_attribute("data-attention", "1")
    assert completions(first) == 0

    page.fill("[name='f:work_done']", "Joint re-made and tested")
    page.click("#complete")
    expect(page.locator("#job-status")).to_have_text("Completed")
    expect(page.locator("#sync")).to_have_attribute("data-state", "ok")
    assert completions(first) == 1
    assert WorkOrder.objects.get(pk=first.pk).completion_data["work_done"] == "Joint re-made and tested"


def test_the_app_installs_its_service_worker_and_opens_offline(live_server, phone, field, shot):
    context = phone()
    page = context.new_page()
    sign_in(page, live_server.url)
    expect(page.locator(".jobs > li")).to_have_count(3)
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=WAIT)
    cached = page.evaluate("""async () => {
        const names = await caches.keys();
        const shell = await caches.match('/m/');
        const script = await caches.match('/static/mobile/app.js');
        const registration = await navigator.serviceWorker.getRegistration();
        return {names, shell: !!shell, script: !!script, scope: registration.scope};
    }""")
    assert any(name.startswith("field-shell-") for name in cached["names"])
    assert cached["shell"] and cached["script"]
    assert cached["scope"] == f"{live_server.url}/m/"

    context.set_offline(True)
    page.reload()
    expect(page.locator("#sync")).to_have_attribute("data-state", "offline")
    expect(page.locator(".jobs > li")).to_have_count(3)  # the day from the phone's own store
    topbar = page.locator(".topbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert topbar == "rgb(11, 61, 145)"  # the style sheet came from the cache
    open_job(page, field["jobs"][0])
    expect(page.locator("#step")).to_have_text("Start travel")
    shot(page, "offline-shell")


def test_chinese_phone_gets_chinese_labels(live_server, phone, field):
    context = phone(service_workers="block", locale="zh-CN", extra_http_headers={"Accept-Language": "zh-hans"})
    page = context.new_page()
    page.goto(f"{live_server.url}/m/")
    expect(page.locator("#login-form button[type=submit]")).to_have_text("登录")
    page.fill("#login-form input[name=username]", "lihua")
    page.fill("#login-form input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#title")).to_have_text("今日工单")
    expect(page.locator(".jobs li").nth(1).locator(".prio")).to_have_text("抢险抢修")
    expect(page.locator(".jobs li").nth(0).locator(".status")).to_have_text("已下发")


def test_unable_to_complete_with_a_reason_then_sign_out(live_server, phone, field):
    third = field["jobs"][2]
    for to in (Status.EN_ROUTE, Status.ON_SITE):
        services.transition(work_order_id=third.pk, to_status=to, actor=field["tech"].user)
    context = phone(service_workers="block")
    page = context.new_page()
    sign_in(page, live_server.url)
    open_job(page, third)
    page.click("#unable-open")
    page.click("#unable-send")  # no reason chosen: asked for one, nothing sent
    expect(page.locator("#unable .field-error")).to_have_text("This field is required.")
    page.select_option("#unable select[name=unable_reason]", "no_access")
    page.fill("#unable textarea[name=unable_text]", "Nobody home, card left")
    page.click("#unable-send")
    expect(page.locator("#job-status")).to_have_text("Unable to complete")
    expect(page.locator("#sync")).to_have_attribute("data-state", "ok")
    order = WorkOrder.objects.get(pk=third.pk)
    assert (order.status, order.unable_reason) == (Status.UNABLE, "no_access")
    event = WorkOrderEvent.objects.get(work_order=third, to_status=Status.UNABLE)
    assert event.reason == "Nobody home, card left" and event.lat is not None

    page.click("#menu-btn")
    page.click("#sign-out")
    expect(page.locator("#login-form")).to_be_visible()
    assert page.evaluate("localStorage.getItem('field.token')") is None
    page.reload()
    expect(page.locator("#login-form")).to_be_visible()
