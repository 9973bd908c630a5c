"""Organisation reads: working days, on-shift checks, skilled staff, area placement, office scope."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dispatch.org import selectors
from dispatch.org.models import ShiftException, StaffSkill
from dispatch.org.selectors import WorkingDay
from tests.factories import AreaFactory, ServiceOfficeFactory, SkillFactory, StaffProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)
SATURDAY = date(2026, 3, 7)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def worker():
    """Monday to Friday, 08:30–17:30 with a 12:00–13:00 break."""
    return StaffProfileFactory()


# --- working_day / is_on_shift --------------------------------------------------------------------------


def test_working_day_follows_the_weekly_shift(worker):
    assert selectors.working_day(worker, MONDAY) == WorkingDay(time(8, 30), time(17, 30), time(12), time(13))
    assert selectors.working_day(worker, SATURDAY) is None


@pytest.mark.parametrize("kind", [ShiftException.Kind.LEAVE, ShiftException.Kind.SICK,
                                  ShiftException.Kind.TRAINING])
def test_leave_sickness_and_training_take_the_day_off(worker, kind):
    ShiftException.objects.create(staff=worker, date=MONDAY, kind=kind)

    assert selectors.working_day(worker, MONDAY) is None
    assert not selectors.is_on_shift(worker, datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI))
    assert selectors.working_day(worker, date(2026, 3, 3)) is not None, "only that day is off"


def test_overtime_on_a_day_off_gives_its_hours(worker):
    ShiftException.objects.create(staff=worker, date=SATURDAY, kind=ShiftException.Kind.OVERTIME,
                                  start=time(9), end=time(13))

    assert selectors.working_day(worker, SATURDAY) == WorkingDay(time(9), time(13))
    assert selectors.is_on_shift(worker, datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI))
    assert not selectors.is_on_shift(worker, datetime(2026, 3, 7, 13, 0, tzinfo=SHANGHAI))


def test_overtime_hours_replace_the_regular_day(worker):
    ShiftException.objects.create(staff=worker, date=MONDAY, kind=ShiftException.Kind.OVERTIME,
                                  start=time(8, 30), end=time(21))

    assert selectors.working_day(worker, MONDAY) == WorkingDay(time(8, 30), time(21))


def test_overtime_without_hours_must_be_refused(worker):
    from django.core.exceptions import ValidationError

    exception = ShiftException(staff=worker, date=SATURDAY, kind=ShiftException.Kind.OVERTIME)
    with pytest.raises(ValidationError) as refused:
        exception.full_clean()
    assert {"start", "end"} & set(refused.value.message_dict)

    backwards = ShiftException(staff=worker, date=SATURDAY, kind=ShiftException.Kind.OVERTIME,
                               start=time(18), end=time(9))
    with pytest.raises(ValidationError) as refused:
        backwards.full_clean()
    assert "end" in refused.value.message_dict


@pytest.mark.parametrize("local, on_shift", [
    (time(8, 29), False), (time(8, 30), True), (time(12, 30), True), (time(17, 29), True), (time(17, 30), False),
])
def test_is_on_shift_at_the_edges(worker, local, on_shift):
    assert selectors.is_on_shift(worker, datetime.combine(MONDAY, local, tzinfo=SHANGHAI)) is on_shift


def test_is_on_shift_reads_the_shift_in_local_time(worker, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    # 01:30 UTC on Monday is 09:30 in Shanghai: on shift. 20:00 UTC on Sunday is 04:00 Monday: not yet.
    assert selectors.is_on_shift(worker, datetime(2026, 3, 2, 1, 30, tzinfo=ZoneInfo("UTC")))
    assert not selectors.is_on_shift(worker, datetime(2026, 3, 1, 20, 0, tzinfo=ZoneInfo("UTC")))
    # 09:30 UTC on Friday is 17:30 in Shanghai: the shift has just ended.
    assert not selectors.is_on_shift(worker, datetime(2026, 3, 6, 9, 30, tzinfo=ZoneInfo("UTC")))


def test_is_on_shift_with_timezone_now(worker, settings):
    moment = timezone.now()
    local = timezone.localtime(moment)
    expected = selectors.working_day(worker, local.date())

    assert selectors.is_on_shift(worker, moment) is bool(expected and expected.covers(local.time()))


# --- staff_with_skill -----------------------------------------------------------------------------------


def test_staff_with_skill_needs_every_skill():
    both = StaffProfileFactory(skills=["repair", "meter-reading"])
    StaffProfileFactory(skills=["repair"])
    StaffProfileFactory(skills=["meter-reading"])

    assert list(selectors.staff_with_skill(["repair", "meter-reading"], MONDAY)) == [both]
    assert selectors.staff_with_skill(["repair"], MONDAY).count() == 2
    assert selectors.staff_with_skill([], MONDAY).count() == 3
    assert selectors.staff_with_skill(["welding"], MONDAY).count() == 0


def test_certificates_count_only_where_the_skill_requires_one():
    valid = StaffProfileFactory(skills=[("emergency", date(2026, 3, 2))])  # valid through that day
    StaffProfileFactory(skills=[("emergency", date(2026, 3, 1))])  # expired the day before
    no_certificate = StaffProfileFactory()
    StaffSkill.objects.create(staff=no_certificate, skill=SkillFactory(code="emergency"))  # no expiry given
    # A skill that needs no certificate: an old expiry date on the record does not matter.
    old_paper = StaffProfileFactory()
    StaffSkill.objects.create(staff=old_paper, skill=SkillFactory(code="repair"), valid_until=date(2000, 1, 1))

    assert list(selectors.staff_with_skill(["emergency"], MONDAY)) == [valid]
    assert list(selectors.staff_with_skill(["repair"], MONDAY)) == [old_paper]


def test_an_expired_certificate_in_one_skill_does_not_borrow_another_skills_date():
    person = StaffProfileFactory(skills=[("emergency", date(2020, 1, 1)), ("metrology", date(2030, 1, 1))])

    assert list(selectors.staff_with_skill(["metrology"], MONDAY)) == [person]
    assert list(selectors.staff_with_skill(["emergency", "metrology"], MONDAY)) == []


def test_staff_with_skill_leaves_out_inactive_staff_and_lists_each_person_once():
    StaffProfileFactory(skills=["repair"], is_active=False)
    active = StaffProfileFactory(skills=["repair", "meter-reading", "emergency-x"])

    assert list(selectors.staff_with_skill(["repair", "meter-reading", "emergency-x"], MONDAY)) == [active]
    assert list(selectors.staff_with_skill(["repair"], MONDAY)) == [active]


# --- area_containing ------------------------------------------------------------------------------------


def polygon(*corners):
    ring = [list(corner) for corner in corners]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


WEST = polygon((108.30, 22.80), (108.35, 22.80), (108.35, 22.85), (108.30, 22.85))
EAST = polygon((108.35, 22.80), (108.40, 22.80), (108.40, 22.85), (108.35, 22.85))
NORTH = polygon((108.30, 22.85), (108.40, 22.85), (108.40, 22.90), (108.30, 22.90))


@pytest.fixture
def areas():
    # Created out of code order: the tie-break on a shared edge must not depend on insertion order.
    north = AreaFactory(code="C-NORTH", boundary=NORTH)
    east = AreaFactory(code="B-EAST", boundary=EAST)
    west = AreaFactory(code="A-WEST", boundary=WEST)
    return {"west": west, "east": east, "north": north}


@pytest.mark.parametrize("lat, lng, expected", [
    (22.82, 108.32, "west"), (22.82, 108.38, "east"), (22.87, 108.33, "north"), (22.87, 108.39, "north"),
])
def test_area_containing_picks_the_right_area(areas, lat, lng, expected):
    assert selectors.area_containing(lat, lng) == areas[expected]


@pytest.mark.parametrize("lat, lng", [(22.79, 108.32), (22.82, 108.41), (22.95, 108.35), (0, 0)])
def test_area_containing_returns_none_outside(areas, lat, lng):
    assert selectors.area_containing(lat, lng) is None


def test_a_point_on_a_shared_edge_goes_to_the_first_area_by_code(areas):
    assert selectors.area_containing(22.82, 108.35) == areas["west"]  # west | east
    assert selectors.area_containing(22.85, 108.38) == areas["east"]  # east / north
    assert selectors.area_containing(22.85, 108.35) == areas["west"]  # corner of all three
    assert selectors.area_containing(22.80, 108.32) == areas["west"]  # outer edge counts as inside


def test_inactive_areas_and_areas_without_boundary_are_skipped(areas):
    areas["west"].is_active = False
    areas["west"].save()
    AreaFactory(code="0-NONE", boundary=None)

    assert selectors.area_containing(22.82, 108.32) is None
    assert selectors.area_containing(22.82, 108.35) == areas["east"]


def test_area_containing_understands_multipolygons_and_holes():
    ring = [[108.0, 22.0], [108.1, 22.0], [108.1, 22.1], [108.0, 22.1], [108.0, 22.0]]
    hole = [[108.04, 22.04], [108.06, 22.04], [108.06, 22.06], [108.04, 22.06], [108.04, 22.04]]
    far = [[109.0, 23.0], [109.1, 23.0], [109.1, 23.1], [109.0, 23.1], [109.0, 23.0]]
    donut = AreaFactory(code="D", boundary={"type": "MultiPolygon", "coordinates": [[ring, hole], [far]]})
    filling = AreaFactory(code="E", boundary={"type": "Polygon", "coordinates": [hole]})

    assert selectors.area_containing(22.02, 108.02) == donut
    assert selectors.area_containing(23.05, 109.05) == donut
    assert selectors.area_containing(22.05, 108.05) == filling
    assert selectors.area_containing(22.5, 108.5) is None  # inside the bounding box, outside both parts


# --- office_ids_for / scoped lists ----------------------------------------------------------------------


def test_office_ids_for_a_dispatcher_include_additional_offices(dispatcher, office, other_office):
    third = ServiceOfficeFactory(code="XX")
    dispatcher.staff.additional_offices.add(other_office)

    assert selectors.office_ids_for(dispatcher) == {office.pk, other_office.pk}
    assert third.pk not in selectors.office_ids_for(dispatcher)
    assert set(selectors.office_list(user=dispatcher)) == {office, other_office}


def test_office_ids_for_department_wide_roles_is_none(agent, manager, superuser):
    assert selectors.office_ids_for(agent) is None
    assert selectors.office_ids_for(manager) is None
    assert selectors.office_ids_for(superuser) is None


def test_office_ids_for_users_without_a_staff_profile_or_anonymous_is_empty(db):
    assert selectors.office_ids_for(UserFactory(roles=["dispatcher"])) == set()
    assert selectors.office_ids_for(AnonymousUser()) == set()


def test_technician_sees_only_their_own_staff_profile(technician, office):
    colleague = StaffProfileFactory(office=office)

    assert list(selectors.staff_list(user=technician)) == [technician.staff]
    assert colleague not in selectors.staff_list(user=technician)


def test_a_shift_until_23_59_runs_to_midnight():
    day = WorkingDay(time(0, 0), time(23, 59))

    assert day.covers(time(0, 0))
    assert day.covers(time(23, 59, 30))
    assert not WorkingDay(time(8, 30), time(17, 30)).covers(time(23, 59, 30))
