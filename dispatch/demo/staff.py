"""Skills, a sign-in for every role, and the technicians with their certificates, shifts and absences.

Staff are written with bulk_create, without the per-row audit events a service would record: generated demo
data has no one who changed it, and a benchmark data set with many technicians must stay quick to make.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.models import Group, User

from dispatch.common.roles import Role
from dispatch.org.models import Area, ServiceOffice, ShiftException, Skill, StaffProfile, StaffSkill, WeeklyShift

from . import names
from .city import PlacedArea

DEMO_PASSWORD = "gas-demo-2026"

# (code, name, requires a certificate): the certificate skills are the ones that work on live gas.
SKILLS: tuple[tuple[str, str, bool], ...] = (
    ("repair", "户内维修", False),
    ("pipe_rectification", "改管", False),
    ("meter_reading", "抄表", False),
    ("metrology", "计量检定", False),
    ("emergency", "抢险抢修", True),
    ("inspection", "安全检查", True),
    ("commissioning", "置换通气", True),
    ("arrears", "欠费催缴", False),
    ("meter_exchange", "换表", False),
)


@dataclass(frozen=True)
class Trade:
    """A field worker's main trade, the jobs that usually go with it, and how many such jobs fit in a day."""

    skill: str
    extras: tuple[str, ...]
    capacity: tuple[int, int]


# 户内维修工, 改管员, 抄表员, 计量员, 安检员: readings are quick, so meter readers take many more jobs a day.
TRADES: tuple[Trade, ...] = (
    Trade("repair", ("emergency", "commissioning"), (8, 12)),
    Trade("pipe_rectification", ("repair", "commissioning"), (4, 8)),
    Trade("meter_reading", ("arrears", "meter_exchange"), (40, 60)),
    Trade("inspection", ("repair", "emergency"), (10, 16)),
    Trade("metrology", ("meter_exchange",), (10, 15)),
)

WORKDAY = (time(8, 30), time(17, 30))
LUNCH_BREAK = (time(12), time(13))
WEEKDAYS = (0, 1, 2, 3, 4)
SATURDAY = 5
SATURDAY_SHARE = 0.25
EXPIRED_SHARE = 0.1
LEAVE_NOTES = ("年假", "调休", "事假")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    office_code: str
    full_name: str
    is_staff: bool = False
    is_superuser: bool = False


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin", Role.ADMIN, "QX", "陈志强", is_staff=True, is_superuser=True),
    DemoLogin("dispatcher", Role.DISPATCHER, "QX", "黄丽萍"),
    DemoLogin("dispatcher_jn", Role.DISPATCHER, "JN", "韦建国"),
    DemoLogin("agent", Role.AGENT, "QX", "梁晓燕"),
    DemoLogin("safety", Role.SAFETY_OFFICER, "QX", "覃海峰"),
    DemoLogin("lab", Role.LAB, "QX", "莫文静"),
    DemoLogin("manager", Role.MANAGER, "QX", "李国华", is_staff=True),
    DemoLogin("tech", Role.TECHNICIAN, "QX", "陆永明"),
)
DEMO_TECHNICIAN = "tech"


@dataclass(frozen=True)
class Qualification:
    skill: str
    certificate_no: str
    valid_until: date


@dataclass(frozen=True)
class StaffSpec:
    username: str
    full_name: str
    role: Role
    office: ServiceOffice
    phone: str
    is_staff: bool = False
    is_superuser: bool = False
    primary_area: Area | None = None
    allowed_areas: tuple[Area, ...] = ()
    home: tuple[float, float] | None = None
    daily_capacity: int = 12
    qualifications: tuple[Qualification, ...] = ()
    weekdays: tuple[int, ...] = ()


def create_skills() -> dict[str, Skill]:
    # get_or_create: a database without offices may still hold skills (typed in, or from another import).
    return {code: Skill.objects.get_or_create(code=code, defaults={"name": name, "requires_certificate": cert})[0]
            for code, name, cert in SKILLS}


def _certificate_no(rng: random.Random, skill: str, valid_until: date) -> str:
    # Certificates here run three years, so the issue year follows from the expiry.
    number = [code for code, _name, _cert in SKILLS].index(skill) + 1
    return f"GXRQ{number:02d}-{valid_until.year - 3}-{rng.randrange(100_000):05d}"


def _qualification(rng: random.Random, skill: str, today: date, *, may_expire: bool = True) -> Qualification:
    if may_expire and rng.random() < EXPIRED_SHARE:
        valid_until = today - timedelta(days=rng.randint(3, 180))
    else:
        valid_until = today + timedelta(days=rng.randint(30, 3 * 365))
    return Qualification(skill, _certificate_no(rng, skill, valid_until), valid_until)


def _role_specs(rng: random.Random, offices: dict[str, ServiceOffice], areas_by_office: dict[str, list[PlacedArea]],
                today: date) -> list[StaffSpec]:
    specs = []
    for login in DEMO_LOGINS:
        fields: dict = {}
        if login.username == DEMO_TECHNICIAN:
            # The technician a demo signs in as: certificates kept valid, so emergencies can go to them.
            placed = areas_by_office[login.office_code]
            fields = {
                "primary_area": placed[0].area,
                "allowed_areas": tuple(p.area for p in placed),
                "home": placed[0].box.random_point(rng),
                "qualifications": tuple(_qualification(rng, skill, today, may_expire=False)
                                        for skill in ("repair", "emergency", "meter_reading")),
                "weekdays": WEEKDAYS,
            }
        specs.append(StaffSpec(
            username=login.username, full_name=login.full_name, role=login.role, office=offices[login.office_code],
            phone=names.mobile(rng), is_staff=login.is_staff, is_superuser=login.is_superuser, **fields))
    return specs


def _technician_specs(rng: random.Random, count: int, offices: dict[str, ServiceOffice],
                      areas_by_office: dict[str, list[PlacedArea]], today: date) -> list[StaffSpec]:
    codes = list(offices)
    specs = []
    for number in range(1, count + 1):
        # Round-robin over the offices, then over each office's areas and trades, so that every office has
        # every trade once it has a handful of technicians.
        code = codes[number % len(codes)]
        rank = number // len(codes)
        placed = areas_by_office[code]
        home_area = placed[rank % len(placed)]
        trade = TRADES[rank % len(TRADES)]
        skills = [trade.skill, *rng.sample(trade.extras, rng.randint(0, len(trade.extras)))]
        weekdays = (*WEEKDAYS, SATURDAY) if rng.random() < SATURDAY_SHARE else WEEKDAYS
        specs.append(StaffSpec(
            username=f"tech{number:03d}", full_name=names.person_name(rng), role=Role.TECHNICIAN,
            office=offices[code], phone=names.mobile(rng), primary_area=home_area.area,
            allowed_areas=tuple(p.area for p in placed), home=home_area.box.random_point(rng),
            daily_capacity=rng.randint(*trade.capacity),
            qualifications=tuple(_qualification(rng, skill, today) for skill in skills), weekdays=weekdays))
    return specs


def _write_staff(specs: Sequence[StaffSpec], skills: dict[str, Skill], password_hash: str) -> list[StaffProfile]:
    # One hash for every demo account: hashing is deliberately slow (about 0.3 s), once per user would dominate.
    users = User.objects.bulk_create([
        User(username=spec.username, first_name=spec.full_name, password=password_hash, is_staff=spec.is_staff,
             is_superuser=spec.is_superuser)
        for spec in specs])
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in {spec.role for spec in specs}}
    User.groups.through.objects.bulk_create([
        User.groups.through(user_id=user.pk, group_id=groups[spec.role].pk)
        for spec, user in zip(specs, users, strict=True)])
    profiles = StaffProfile.objects.bulk_create([
        StaffProfile(user=user, employee_no=f"NG{index:05d}", phone=spec.phone, office=spec.office,
                     primary_area=spec.primary_area, home_lat=spec.home[0] if spec.home else None,
                     home_lng=spec.home[1] if spec.home else None, daily_capacity=spec.daily_capacity)
        for index, (spec, user) in enumerate(zip(specs, users, strict=True), start=1)])
    pairs = list(zip(specs, profiles, strict=True))
    StaffProfile.allowed_areas.through.objects.bulk_create([
        StaffProfile.allowed_areas.through(staffprofile_id=profile.pk, area_id=area.pk)
        for spec, profile in pairs for area in spec.allowed_areas])
    StaffSkill.objects.bulk_create([
        StaffSkill(staff=profile, skill=skills[q.skill], certificate_no=q.certificate_no, valid_until=q.valid_until)
        for spec, profile in pairs for q in spec.qualifications])
    WeeklyShift.objects.bulk_create([
        WeeklyShift(staff=profile, weekday=weekday, start=WORKDAY[0], end=WORKDAY[1], break_start=LUNCH_BREAK[0],
                    break_end=LUNCH_BREAK[1])
        for spec, profile in pairs for weekday in spec.weekdays])
    return profiles


def _absences(rng: random.Random, technicians: list[tuple[StaffSpec, StaffProfile]],
              today: date) -> None:
    """Leave and sickness around today for about one technician in eight: some of them are away today."""
    if not technicians:
        return
    rows = []
    for spec, profile in rng.sample(technicians, max(1, len(technicians) // 8)):
        if rng.random() < 0.4:
            kind, note = ShiftException.Kind.SICK, "病假"
            first, days = today + timedelta(days=rng.randint(-1, 1)), rng.randint(1, 2)
        else:
            kind, note = ShiftException.Kind.LEAVE, rng.choice(LEAVE_NOTES)
            first, days = today + timedelta(days=rng.randint(0, 10)), rng.randint(1, 3)
        day = first
        for _ in range(days):
            # Absence is booked on working days only: days off need no exception.
            while day.weekday() not in spec.weekdays:
                day += timedelta(days=1)
            rows.append(ShiftException(staff=profile, date=day, kind=kind, note=note))
            day += timedelta(days=1)
    ShiftException.objects.bulk_create(rows)


def create_staff(rng: random.Random, *, technicians: int, offices: dict[str, ServiceOffice],
                 areas: list[PlacedArea], skills: dict[str, Skill], password_hash: str,
                 today: date) -> tuple[dict[str, User], list[StaffProfile]]:
    """The role accounts and `technicians` technicians in all (the demo technician `tech` is one of them).

    Returns the role accounts by username, and every technician's profile.
    """
    areas_by_office: dict[str, list[PlacedArea]] = {}
    for placed in areas:
        areas_by_office.setdefault(placed.district.office_code, []).append(placed)
    specs = [*_role_specs(rng, offices, areas_by_office, today),
             *_technician_specs(rng, technicians - 1, offices, areas_by_office, today)]
    pairs = list(zip(specs, _write_staff(specs, skills, password_hash), strict=True))
    # The demo technician stays free of absences, so signing in as them always shows a working day.
    _absences(rng, [(spec, profile) for spec, profile in pairs
                    if spec.role == Role.TECHNICIAN and spec.username != DEMO_TECHNICIAN], today)
    # The role accounts come first in `specs`.
    role_users = {profile.user.username: profile.user for _spec, profile in pairs[:len(DEMO_LOGINS)]}
    return role_users, [profile for spec, profile in pairs if spec.role == Role.TECHNICIAN]
