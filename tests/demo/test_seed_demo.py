import hashlib
import json
import random
import re
from io import StringIO
from itertools import combinations

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from dispatch.common.geo import contains, parse_boundary
from dispatch.common.roles import Role, roles_of
from dispatch.customers.models import Contact, CustomerAccount, Premises
from dispatch.demo import registry
from dispatch.demo.city import DISTRICTS
from dispatch.demo.staff import DEMO_LOGINS, DEMO_PASSWORD
from dispatch.org.models import Area, ServiceOffice, ShiftException, Skill, StaffProfile, StaffSkill
from dispatch.org.selectors import area_containing, staff_with_skill

pytestmark = pytest.mark.django_db

SMALL = {"customers": 200, "technicians": 8}


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **{**SMALL, **options})
    return out.getvalue()


def _digest(*querysets) -> str:
    rows = [list(queryset) for queryset in querysets]
    return hashlib.sha256(json.dumps(rows, default=str, ensure_ascii=False).encode()).hexdigest()


def customers_digest() -> str:
    return _digest(
        CustomerAccount.objects.order_by("account_no").values_list(
            "account_no", "name", "customer_class", "phone", "phone_alt", "is_pensioner_alone",
            "has_young_children", "is_medically_dependent", "has_disability", "vulnerability_notes"),
        Premises.objects.order_by("premises_no").values_list(
            "premises_no", "account__account_no", "address", "district", "gas_type", "lat", "lng", "area__code",
            "access_notes"),
        Contact.objects.order_by("account__account_no", "name", "phone").values_list(
            "account__account_no", "name", "relation", "phone", "is_primary"),
    )


def full_digest() -> str:
    return _digest(
        [customers_digest()],
        ServiceOffice.objects.order_by("code").values_list("code", "name", "address", "phone", "lat", "lng"),
        Area.objects.order_by("code").values_list("code", "name", "office__code", "boundary", "travel_speed_kmh"),
        StaffProfile.objects.order_by("employee_no").values_list(
            "employee_no", "user__username", "user__first_name", "phone", "office__code", "primary_area__code",
            "home_lat", "home_lng", "daily_capacity"),
        StaffSkill.objects.order_by("staff__employee_no", "skill__code").values_list(
            "staff__employee_no", "skill__code"),
    )


def seeded_in_fresh_database(digest, **options) -> str:
    """Seed, take the digest, and roll back, so the next call starts from an empty database again."""
    with transaction.atomic():
        seed(**options)
        value = digest()
        transaction.set_rollback(True)
    assert not ServiceOffice.objects.exists()
    return value


def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = seeded_in_fresh_database(full_digest, seed=7)

    assert seeded_in_fresh_database(full_digest, seed=7) == first
    assert seeded_in_fresh_database(full_digest, seed=8) != first


def test_more_technicians_leave_the_customers_unchanged():
    assert (seeded_in_fresh_database(customers_digest, technicians=8)
            == seeded_in_fresh_database(customers_digest, technicians=12))


def test_offices_by_district_each_with_three_to_five_areas():
    seed()

    assert set(ServiceOffice.objects.values_list("code", flat=True)) == {"QX", "XN", "JN", "XXT", "LQ"}
    for office in ServiceOffice.objects.all():
        assert 3 <= office.areas.count() <= 5
    assert not Area.objects.filter(office__isnull=True).exists()
    # Created through area_create, which stores the bounding box that area_containing searches by.
    assert not Area.objects.filter(min_lat__isnull=True).exists()


def test_area_boundaries_do_not_overlap():
    seed()

    shapes = [parse_boundary(area.boundary) for area in Area.objects.all()]
    for one, other in combinations(shapes, 2):
        assert one.intersection(other).area == 0


def test_every_premises_lies_in_exactly_its_own_area_and_district():
    seed()
    areas = list(Area.objects.select_related("office"))
    district_of_office = {district.office_code: district.name for district in DISTRICTS}

    premises_list = list(Premises.objects.select_related("area__office"))
    assert premises_list
    for premises in premises_list:
        assert area_containing(premises.lat, premises.lng) == premises.area
        assert sum(contains(area.boundary, premises.lat, premises.lng) for area in areas) == 1
        assert premises.district == district_of_office[premises.area.office.code]
        assert premises.address.startswith(premises.district)
        assert premises.geocode_status == Premises.GeocodeStatus.MANUAL


def test_customers_have_premises_and_mobile_phones():
    seed()

    assert CustomerAccount.objects.count() == SMALL["customers"]
    for account in CustomerAccount.objects.prefetch_related("premises"):
        assert 1 <= len(account.premises.all()) <= 2
        assert re.fullmatch(r"1[358]\d{9}", account.phone), account.phone
        assert account.name
    assert set(CustomerAccount.objects.values_list("customer_class", flat=True)) >= {"residential"}
    assert Contact.objects.exists()


def test_skills_and_which_need_a_certificate():
    seed()

    assert set(Skill.objects.values_list("code", flat=True)) == {
        "repair", "pipe_rectification", "meter_reading", "metrology", "emergency", "inspection", "commissioning",
        "arrears", "meter_exchange"}
    assert set(Skill.objects.filter(requires_certificate=True).values_list("code", flat=True)) == {
        "emergency", "commissioning", "inspection"}


def test_every_role_has_a_user_who_signs_in_with_the_demo_password():
    seed()
    client = Client()

    assert {login.role for login in DEMO_LOGINS} == set(Role)
    for login in DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        assert client.login(username=login.username, password=DEMO_PASSWORD), login.username
        assert login.role in roles_of(user)
        assert user.staff.office.code == login.office_code
        client.logout()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.groups.filter(name="admin").exists()
    assert User.objects.get(username="manager").is_staff


def test_technicians_have_skills_shifts_and_their_office_areas():
    seed()
    technicians = StaffProfile.objects.filter(user__groups__name=Role.TECHNICIAN).select_related("office")

    assert technicians.count() == SMALL["technicians"]
    for staff in technicians:
        office_areas = set(staff.office.areas.all())
        assert set(staff.allowed_areas.all()) == office_areas
        assert staff.primary_area in office_areas
        assert area_containing(staff.home_lat, staff.home_lng) in office_areas
        skills = list(staff.skills.all())
        assert 1 <= len(skills) <= 3
        assert all(skill.certificate_no and skill.valid_until for skill in skills)
        weekdays = set(staff.weekly_shifts.values_list("weekday", flat=True))
        assert {0, 1, 2, 3, 4} <= weekdays <= {0, 1, 2, 3, 4, 5}
    assert ShiftException.objects.filter(kind__in=["leave", "sick"]).exists()


def test_demo_technician_may_take_emergencies_today():
    seed()
    tech = StaffProfile.objects.get(user__username="tech")

    assert set(tech.skills.values_list("skill__code", flat=True)) == {"repair", "emergency", "meter_reading"}
    assert tech in staff_with_skill(["emergency"], timezone.localdate())
    shift = tech.weekly_shifts.get(weekday=0)
    assert (f"{shift.start:%H:%M}", f"{shift.end:%H:%M}", f"{shift.break_start:%H:%M}",
            f"{shift.break_end:%H:%M}") == ("08:30", "17:30", "12:00", "13:00")


def test_if_empty_creates_nothing_more_but_prints_the_logins():
    seed(if_empty=True)
    counts = (ServiceOffice.objects.count(), User.objects.count(), CustomerAccount.objects.count())

    out = seed(if_empty=True)

    assert (ServiceOffice.objects.count(), User.objects.count(), CustomerAccount.objects.count()) == counts
    assert "http://127.0.0.1:8000/" in out
    for login in DEMO_LOGINS:
        assert re.search(rf"^\s+{login.username}\s+{login.role.value}\s+\w+\s+{DEMO_PASSWORD}$", out, re.M)


def test_refuses_to_add_to_a_database_that_has_offices():
    seed()

    with pytest.raises(CommandError, match="already has service offices"):
        seed()
    assert ServiceOffice.objects.count() == len(DISTRICTS)


def test_registered_functions_run_after_the_base_data_with_the_context(monkeypatch):
    # Import the installed apps' demo_data modules before swapping the list, so they register in the real one.
    monkeypatch.setattr(registry, "_hooks", list(registry.registered()))
    contexts = []

    @registry.register
    def record(rng: random.Random, context: registry.DemoContext) -> None:
        contexts.append(context)

    seed()

    [context] = contexts
    assert set(context.offices) == {"QX", "XN", "JN", "XXT", "LQ"}
    assert set(context.areas) == set(Area.objects.values_list("code", flat=True))
    assert len(context.technicians) == SMALL["technicians"]
    assert set(context.users) == {login.username for login in DEMO_LOGINS}
    assert sorted(context.premises_ids) == sorted(Premises.objects.values_list("id", flat=True))
    assert context.today == timezone.localdate()


def test_a_registered_function_draws_the_same_whatever_else_is_registered(monkeypatch):
    draws = []

    def record(rng: random.Random, context: registry.DemoContext) -> None:
        draws.append(rng.random())

    def other(rng: random.Random, context: registry.DemoContext) -> None:
        rng.random()

    for hooks in ([record], [other, record]):
        monkeypatch.setattr(registry, "_hooks", hooks)
        seeded_in_fresh_database(lambda: "")

    assert draws[0] == draws[1]
