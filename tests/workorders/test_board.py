"""The dispatcher board (server-rendered, htmx): access, scoping, filters, assignment and its refusals, queries."""

import re
from datetime import date, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dispatch.org.models import ShiftException, WeeklyShift
from dispatch.workorders import services
from dispatch.workorders.models import SlaState, Status, WorkOrder
from tests.factories import AreaFactory, StaffProfileFactory, UserFactory, square

pytestmark = pytest.mark.django_db

BOARD = "/board/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def board_client(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def tech(office, username: str, skills=("repair",), weekdays=range(7)):
    """A technician working round the clock on the given weekdays (tests run at any hour)."""
    staff = StaffProfileFactory(user=UserFactory(username=username, first_name=username.title(), roles=["technician"]),
                                office=office, skills=list(skills), weekdays=[], home_lat=22.81, home_lng=108.33)
    for weekday in weekdays:
        WeeklyShift.objects.create(staff=staff, weekday=weekday, start=time(0, 0), end=time(23, 59))
    return staff


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", name="Minzu", office=office, boundary=square(108.30, 22.80, 0.05))


@pytest.fixture
def area2(office):
    return AreaFactory(code="QX-02", name="Taoyuan", office=office, boundary=square(108.35, 22.80, 0.05))


@pytest.fixture
def far_area(other_office):
    return AreaFactory(code="JN-01", name="Far", office=other_office, boundary=square(108.20, 22.70, 0.05))


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def new_order(dispatcher, area):
    def make(kind: str = "repair", *, where=None, **fields) -> WorkOrder:
        where = where or area
        ring = where.boundary["coordinates"][0]
        lng, lat = ring[0][0] + 0.01, ring[0][1] + 0.01
        fields.setdefault("address", f"{WorkOrder.objects.count() + 1} Minzu Avenue")
        return services.work_order_create(actor=dispatcher, kind=kind, area=where, lat=lat, lng=lng, **fields)

    return make


def cards(html: str) -> list[str]:
    """The order numbers of the queue's cards, top to bottom."""
    return re.findall(r'<article id="wo-\d+"[^>]*data-number="([^"]+)"', html)


class _Element(HTMLParser):
    """Finds the element with an id and keeps its markup, nested elements included."""

    VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, wanted: str):
        super().__init__(convert_charrefs=False)
        self.wanted, self.depth, self.parts, self.done = wanted, 0, [], False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if self.depth == 0 and dict(attrs).get("id") == self.wanted:
            self.depth = 1
            self.parts.append(self.get_starttag_text())
        elif self.depth:
            self.parts.append(self.get_starttag_text())
            if tag not in self.VOID:
                self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and not self.done:
            self.parts.append(f"</{tag}>")
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth and not self.done:
            self.parts.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


def element(html: str, element_id: str) -> str:
    parser = _Element(element_id)
    parser.feed(html)
    assert parser.parts, f"no element #{element_id}"
    return "".join(parser.parts)


def card_html(html: str, order: WorkOrder) -> str:
    return element(html, f"wo-{order.pk}")


def row_html(html: str, staff) -> str:
    return element(html, f"tech-{staff.pk}")


def post_assign(client, order, staff, day: date, version: int | None = None, **extra):
    return client.post(f"{BOARD}orders/{order.pk}/assign/",
                       {"technician": staff.pk, "version": version or order.version, "date": day.isoformat()},
                       **{**HTMX, **extra})


# --- access -----------------------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(BOARD)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/board/")


@pytest.mark.parametrize("role", ["technician", "agent", "safety_officer", "lab"])
def test_other_roles_are_refused(office, area, new_order, role):
    user = UserFactory(username=f"someone-{role}", roles=[role])
    StaffProfileFactory(user=user, office=office)
    order = new_order()
    client = board_client(user)

    assert client.get(BOARD).status_code == 403
    assert client.post(f"{BOARD}orders/{order.pk}/assign/", {"technician": 1}, **HTMX).status_code == 403
    assert client.post(f"{BOARD}orders/{order.pk}/unassign/", {}, **HTMX).status_code == 403


@pytest.mark.parametrize("who", ["dispatcher", "manager", "superuser"])
def test_dispatch_desk_roles_open_the_board(request, area, who):
    user = request.getfixturevalue(who)

    response = board_client(user).get(BOARD)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Dispatcher board" in page
    assert 'src="/static/dispatch/htmx.min.js"' in page
    assert "htmx 2.0.11" not in page  # the version note is a template comment, not shipped to the browser


def test_home_page_links_to_the_board_for_the_dispatch_desk(dispatcher, technician):
    assert 'href="/board/"' in board_client(dispatcher).get("/").content.decode()
    assert 'href="/board/"' not in board_client(technician).get("/").content.decode()


# --- scoping -------------------------------------------------------------------------------------------------------


def test_dispatcher_sees_only_their_offices_orders(dispatcher, other_office, far_area, new_order):
    mine = new_order()
    theirs = new_order(where=far_area)
    client = board_client(dispatcher)

    page = client.get(BOARD).content.decode()
    forced = client.get(BOARD, {"office": other_office.pk}).content.decode()

    assert cards(page) == [mine.number]
    assert theirs.number not in page
    assert cards(forced) == [mine.number]  # an office they do not belong to falls back to their own
    assert f'value="{other_office.pk}"' not in element(forced, "id_office")
    refused = post_assign(client, theirs, tech(other_office, "faraway"), timezone.localdate())
    assert refused.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.NEW


def test_manager_may_switch_offices(manager, other_office, far_area, new_order):
    mine = new_order()
    theirs = new_order(where=far_area)
    client = board_client(manager)

    assert cards(client.get(BOARD).content.decode()) == [mine.number]
    assert cards(client.get(BOARD, {"office": other_office.pk}).content.decode()) == [theirs.number]
    switched = client.get(BOARD, {"office": other_office.pk, "area": mine.area_id}).content.decode()
    assert cards(switched) == [theirs.number]  # the area of the office left behind is dropped, not an error
    assert "errorlist" not in switched


def test_technicians_of_other_offices_have_no_row(dispatcher, office, other_office, area):
    ours, theirs = tech(office, "ours"), tech(other_office, "theirs")

    page = board_client(dispatcher).get(BOARD).content.decode()

    assert f'id="tech-{ours.pk}"' in page
    assert f'id="tech-{theirs.pk}"' not in page


# --- the queue -----------------------------------------------------------------------------------------------------


def test_emergency_comes_first_in_red_with_a_running_sla_clock(dispatcher, new_order):
    planned = new_order("pipe_acceptance")
    repair = new_order("repair", priority="urgent")
    escape = new_order("emergency")

    page = board_client(dispatcher).get(BOARD).content.decode()

    assert cards(page) == [escape.number, repair.number, planned.number]
    card = card_html(page, escape)
    assert "prio-emergency" in card and "Emergency" in card
    due_in = int(re.search(r'data-due-in="(-?\d+)"', card).group(1))
    assert 3500 < due_in <= 3600  # attend a gas escape within the hour
    assert re.search(r'class="sla-time">0:5\d:\d\d<', card)
    assert "data-due-in" not in card_html(page, planned)  # planned work has no clock


def test_sla_colours_follow_the_state(dispatcher, new_order):
    fine, risky, late = new_order(), new_order(), new_order()
    now = timezone.now()
    WorkOrder.objects.filter(pk=risky.pk).update(sla_state=SlaState.AT_RISK, sla_warn_at=now - timedelta(minutes=5),
                                                 sla_due_at=now + timedelta(minutes=30))
    WorkOrder.objects.filter(pk=late.pk).update(sla_state=SlaState.BREACHED, sla_due_at=now - timedelta(minutes=10))

    page = board_client(dispatcher).get(BOARD).content.decode()

    assert "sla sla-ok" in card_html(page, fine)
    assert "sla sla-at_risk" in card_html(page, risky)
    late_card = card_html(page, late)
    assert "sla sla-breached" in late_card
    assert re.search(r'class="sla-time">−0:(09|10):\d\d<', late_card)


def test_card_shows_kind_address_window_and_assignee(dispatcher, new_order, today):
    zone = timezone.get_current_timezone()
    start = datetime.combine(today, time(9, 0), tzinfo=zone)
    order = new_order("repair", window_start=start, window_end=start + timedelta(hours=2), address="12 Taoyuan Road")

    card = card_html(board_client(dispatcher).get(BOARD).content.decode(), order)

    assert "Repair (appliance, indoor pipe)" in card
    assert "12 Taoyuan Road" in card
    assert f"{today:%m-%d} 09:00–11:00" in card
    assert 'class="wo-assignee">—<' in card


def test_filters_by_area_kind_priority_status_and_day(dispatcher, office, area, area2, new_order, today):
    repair = new_order("repair")
    escape = new_order("emergency", where=area2)
    tomorrow = new_order("pipe_acceptance", scheduled_date=today + timedelta(days=1))
    assigned = new_order("repair", where=area2)
    services.assign(work_order_id=assigned.pk, technician=tech(office, "fixer"), actor=dispatcher,
                    scheduled_date=today)
    client = board_client(dispatcher)

    def queue(**params):
        return set(cards(client.get(BOARD, params).content.decode()))

    assert queue() == {repair.number, escape.number, assigned.number}
    assert queue(area=area2.pk) == {escape.number, assigned.number}
    assert queue(kind="repair") == {repair.number, assigned.number}
    assert queue(priority="emergency") == {escape.number}
    assert queue(status="assigned") == {assigned.number}
    assert queue(status="new") == {repair.number, escape.number}
    assert queue(date=(today + timedelta(days=1)).isoformat()) == {repair.number, escape.number, assigned.number,
                                                                    tomorrow.number}
    assert queue(date=(today - timedelta(days=1)).isoformat()) == {repair.number, escape.number}
    assert queue(area=area.pk, kind="emergency") == set()


def test_bad_filter_values_are_ignored_not_a_500(dispatcher, new_order):
    order = new_order()

    response = board_client(dispatcher).get(BOARD, {"date": "31/02/2026", "area": "x", "office": "nope",
                                                    "priority": "whenever", "status": "lost"})

    assert response.status_code == 200
    assert cards(response.content.decode()) == [order.number]


def test_htmx_filter_request_gets_the_board_region_only(dispatcher, new_order):
    order = new_order()
    client = board_client(dispatcher)

    partial = client.get(BOARD, {"kind": "repair"}, **HTMX)
    restore = client.get(BOARD, {"kind": "repair"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")

    body = partial.content.decode()
    assert body.startswith('<div id="board-main"')
    assert "<html" not in body and cards(body) == [order.number]
    assert "HX-Request" in partial["Vary"]
    assert "<html" in restore.content.decode()  # history restore needs the whole page


def test_filter_form_drives_htmx_and_the_address_bar(dispatcher, area):
    page = board_client(dispatcher).get(BOARD).content.decode()
    form = re.search(r'<form id="board-filters".*?>', page, re.S).group(0)

    assert 'hx-get="/board/"' in form
    assert 'hx-target="#board-main"' in form
    assert 'hx-push-url="true"' in form
    for name in ("office", "area", "kind", "priority", "status", "date"):
        assert f'name="{name}"' in page


def test_group_by_status(dispatcher, office, new_order, today):
    waiting = new_order()
    taken = new_order()
    services.assign(work_order_id=taken.pk, technician=tech(office, "fixer"), actor=dispatcher, scheduled_date=today)

    page = board_client(dispatcher).get(BOARD, {"group": "status"}).content.decode()

    assert re.search(rf'data-group="new">.*{waiting.number}.*data-group="assigned">.*{taken.number}', page, re.S)


# --- the technicians' day and the map ----------------------------------------------------------------------------


def test_timeline_shows_shift_jobs_and_leave(dispatcher, office, new_order, today):
    busy = StaffProfileFactory(user=UserFactory(username="busy", first_name="Busy", roles=["technician"]),
                               office=office, skills=["repair"], weekdays=[today.weekday()])  # 08:30–17:30
    away = tech(office, "away")
    ShiftException.objects.create(staff=away, date=today, kind=ShiftException.Kind.LEAVE, note="annual leave")
    zone = timezone.get_current_timezone()
    start = datetime.combine(today, time(10, 0), tzinfo=zone)
    booked = new_order("repair", window_start=start, window_end=start + timedelta(hours=2))
    services.assign(work_order_id=booked.pk, technician=busy, actor=dispatcher, scheduled_date=today)

    page = board_client(dispatcher).get(BOARD).content.decode()

    busy_row, away_row = row_html(page, busy), row_html(page, away)
    assert "08:30–17:30" in busy_row
    assert 'class="shift" style="left:10.714%;width:64.286%"' in busy_row  # 08:30–17:30 on a 07:00–21:00 grid
    assert 'class="pause"' in busy_row
    assert f'data-order-id="{booked.pk}"' in busy_row
    assert "left:21.429%" in busy_row  # the appointment at 10:00
    assert "absent" in away_row and "Leave" in away_row and "annual leave" in away_row


def test_map_draws_areas_jobs_and_home_bases(dispatcher, office, area, area2, new_order):
    escape = new_order("emergency")
    staff = tech(office, "based")

    page = board_client(dispatcher).get(BOARD).content.decode()
    svg = re.search(r"<svg class=\"board-map\".*?</svg>", page, re.S).group(0)

    assert svg.count("<polygon") == 2
    assert re.search(rf'<circle class="map-job prio-emergency[^"]*" cx="[\d.]+" cy="[\d.]+"\s+r="7" '
                     rf'data-order-id="{escape.pk}"', svg)
    assert f'data-technician-id="{staff.pk}"' in svg
    for value in re.findall(r'(?:cx|x)="([\d.]+)"', svg):
        assert 0 <= float(value) <= 900
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # no tiles, nothing fetched


def test_map_mentions_a_configured_tile_server_but_does_not_need_it(dispatcher, area, new_order, settings):
    new_order()
    settings.MAP_TILE_URL = "http://tiles.internal/{z}/{x}/{y}.png"

    page = board_client(dispatcher).get(BOARD).content.decode()

    assert "http://tiles.internal/{z}/{x}/{y}.png" in page
    assert "<polygon" in page


# --- assigning ---------------------------------------------------------------------------------------------------


def test_assign_renders_the_card_and_the_technicians_row(dispatcher, office, new_order, today):
    fixer = tech(office, "fixer", skills=["repair", "emergency"])
    escape = new_order("emergency")

    response = post_assign(board_client(dispatcher), escape, fixer, today)

    assert response.status_code == 200
    body = response.content.decode()
    card = card_html(body, escape)
    assert "Assigned" in card and 'class="wo-assignee">Fixer<' in card
    assert 'data-version="2"' in card and "wo-error" not in card
    row = row_html(body, fixer)
    assert 'hx-swap-oob="true"' in row and f'data-order-id="{escape.pk}"' in row
    escape.refresh_from_db()
    assert (escape.status, escape.assignee, escape.scheduled_date) == (Status.ASSIGNED, fixer, today)


def test_reassign_updates_both_technicians_rows(dispatcher, office, new_order, today):
    first, second = tech(office, "first"), tech(office, "second")
    order = new_order()
    order = services.assign(work_order_id=order.pk, technician=first, actor=dispatcher, scheduled_date=today)

    body = post_assign(board_client(dispatcher), order, second, today).content.decode()

    assert f'data-order-id="{order.pk}"' not in row_html(body, first)
    assert f'data-order-id="{order.pk}"' in row_html(body, second)


def _refusal_case(case: str, office, other_office, today):
    """A technician who may not take a repair (or, for the certificate, a commissioning) job on `today`."""
    if case == "skill_missing":
        return tech(office, "reader", skills=["meter_reading"]), "repair", "Reader lacks the skill “repair”."
    if case == "certificate_expired":
        staff = tech(office, "lapsed", skills=[("commissioning", date(2000, 1, 1))])
        return staff, "commissioning", f"certificate for “Commissioning” is not valid on {today}"
    if case == "on_leave":
        staff = tech(office, "away")
        ShiftException.objects.create(staff=staff, date=today, kind=ShiftException.Kind.SICK)
        return staff, "repair", f"is absent on {today} (Sickness)."
    if case == "off_shift":
        return tech(office, "idle", weekdays=[]), "repair", f"does not work on {today}."
    if case == "other_office":
        return tech(other_office, "elsewhere"), "repair", "works for another service office."
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["skill_missing", "certificate_expired", "on_leave", "off_shift", "other_office"])
def test_each_refusal_is_shown_in_the_card(manager, office, other_office, new_order, today, case):
    staff, kind, message = _refusal_case(case, office, other_office, today)
    order = new_order(kind)

    response = post_assign(board_client(manager), order, staff, today)

    assert response.status_code == 400
    card = card_html(response.content.decode(), order)
    error = re.search(r'<p class="wo-error" role="alert">(.*?)</p>', card, re.S).group(1)
    assert message in error.replace("&#x27;", "'")
    order.refresh_from_db()
    assert order.status == Status.NEW and order.assignee is None


def test_a_stale_version_is_refused_with_the_message_and_the_fresh_card(dispatcher, office, new_order, today):
    first, second = tech(office, "first"), tech(office, "second")
    order = new_order()
    services.assign(work_order_id=order.pk, technician=first, actor=dispatcher, expected_version=1,
                    scheduled_date=today)  # someone else, a moment ago

    response = post_assign(board_client(dispatcher), order, second, today, version=1)

    assert response.status_code == 409
    card = card_html(response.content.decode(), order)
    assert f"Work order {order.number} was changed by someone else; reload and try again." in card
    assert 'data-version="2"' in card and 'class="wo-assignee">First<' in card
    order.refresh_from_db()
    assert order.assignee == first


def test_assign_without_a_technician_says_so(dispatcher, new_order, today):
    order = new_order()

    response = board_client(dispatcher).post(f"{BOARD}orders/{order.pk}/assign/",
                                             {"version": 1, "date": today.isoformat()}, **HTMX)

    assert response.status_code == 400
    assert "Choose a technician." in card_html(response.content.decode(), order)


def test_unassign_and_dispatch_from_the_card(dispatcher, office, new_order, today):
    fixer = tech(office, "fixer")
    order = new_order()
    order = services.assign(work_order_id=order.pk, technician=fixer, actor=dispatcher, scheduled_date=today)
    client = board_client(dispatcher)

    dispatched = client.post(f"{BOARD}orders/{order.pk}/dispatch/",
                             {"version": order.version, "date": today.isoformat()}, **HTMX)
    order.refresh_from_db()
    unassigned = client.post(f"{BOARD}orders/{order.pk}/unassign/",
                             {"version": order.version, "date": today.isoformat()}, **HTMX)

    assert dispatched.status_code == 200 and "Dispatched" in card_html(dispatched.content.decode(), order)
    body = unassigned.content.decode()
    assert unassigned.status_code == 200 and 'class="wo-assignee">—<' in card_html(body, order)
    assert f'data-order-id="{order.pk}"' not in row_html(body, fixer)
    order.refresh_from_db()
    assert (order.status, order.assignee) == (Status.NEW, None)


def test_without_htmx_a_post_returns_to_the_board_with_the_message(dispatcher, office, new_order, today):
    reader = tech(office, "reader", skills=["meter_reading"])
    order = new_order()
    client = board_client(dispatcher)

    response = client.post(f"{BOARD}orders/{order.pk}/assign/",
                           {"technician": reader.pk, "version": 1, "date": today.isoformat()}, follow=True)

    assert response.redirect_chain[0][0] == f"/board/?office={order.office_id}&date={today.isoformat()}"
    assert "lacks the skill" in response.content.decode()
    back = client.post(f"{BOARD}orders/{order.pk}/assign/", {"technician": reader.pk, "version": 1},
                       HTTP_REFERER="http://testserver/board/?kind=repair&group=none")
    assert back["Location"] == "http://testserver/board/?kind=repair&group=none"
    elsewhere = client.post(f"{BOARD}orders/{order.pk}/assign/", {"technician": reader.pk, "version": 1},
                            HTTP_REFERER="http://evil.example/board/")
    assert elsewhere["Location"].startswith("/board/?office=")


def test_assign_needs_the_csrf_token(dispatcher, office, new_order, today):
    order = new_order()
    client = Client(enforce_csrf_checks=True)
    client.force_login(dispatcher)

    response = client.post(f"{BOARD}orders/{order.pk}/assign/",
                           {"technician": tech(office, "fixer").pk, "version": 1, "date": today.isoformat()}, **HTMX)

    assert response.status_code == 403


# --- queries and languages ------------------------------------------------------------------------------------------


def test_queue_takes_the_same_number_of_queries_for_5_and_50_orders(dispatcher, office, area, area2, new_order,
                                                                    today):
    technicians = [tech(office, f"t{number}", skills=["repair", "emergency", "pipe_rectification"])
                   for number in range(3)]

    def add(count: int) -> None:
        for number in range(count):
            order = new_order(("repair", "emergency", "pipe_acceptance")[number % 3],
                              where=(area, area2)[number % 2])
            if number % 4 == 0:
                services.assign(work_order_id=order.pk, technician=technicians[number % 3], actor=dispatcher,
                                scheduled_date=today)

    client = board_client(dispatcher)
    client.get(BOARD)  # warm up the session and the kind registry
    add(5)
    with CaptureQueriesContext(connection) as five:
        small = client.get(BOARD)
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        large = client.get(BOARD)

    assert len(cards(small.content.decode())) == 5 and len(cards(large.content.decode())) == 50
    assert len(fifty.captured_queries) == len(five.captured_queries)
    assert len(fifty.captured_queries) <= 20


def test_board_speaks_chinese_by_default(dispatcher, new_order):
    new_order("emergency")

    page = board_client(dispatcher, language="zh-hans").get(BOARD).content.decode()

    assert '<html lang="zh-hans">' in page
    assert "抢险抢修" in page  # the emergency priority
    assert "新建" in page  # the status of a new order
