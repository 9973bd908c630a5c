"""The dispatcher board: a server-rendered page updated with htmx.

Reads go through the work-order selectors (scoped by user); writes through `services`. Everything here is
presentation: laying jobs out on a day's timeline, projecting coordinates onto a schematic map, SLA countdowns.
"""

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dispatch.common.errors import DispatchError
from dispatch.common.roles import Role, has_role
from dispatch.org.models import Area, ServiceOffice, ShiftException, StaffProfile
from dispatch.org.selectors import area_list, office_list

from . import services
from .board_selectors import board_day_jobs, board_plan, board_queue, board_technicians, visible_plans
from .kinds import UnknownKind, get_kind, kind_choices
from .models import Priority, RoutePlan, SlaState, Status, WorkOrder
from .planning import services as planning
from .selectors import assignable_technicians, work_order_get

BOARD_ROLES = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
QUEUE_LIMIT = 200
# The day's timeline runs from GRID_START to GRID_END (local time); jobs outside are clamped to its edges.
GRID_START_HOUR, GRID_END_HOUR = 7, 21
GRID_MINUTES = (GRID_END_HOUR - GRID_START_HOUR) * 60
LANE_PX = 30
MIN_SLOT_MINUTES = 30.0  # narrower jobs are drawn this wide so that their number shows
MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 900, 420, 18
ASSIGNABLE = (Status.NEW, Status.ASSIGNED, Status.DISPATCHED)
UNASSIGNABLE = (Status.ASSIGNED, Status.DISPATCHED)


def board_access(view):
    """Signed-in dispatchers, managers and administrators; anyone else gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, *BOARD_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


# --- filters ------------------------------------------------------------------------------------------------------


class BoardFilterForm(forms.Form):
    office = forms.TypedChoiceField(label=gettext_lazy("Office"), coerce=int, required=False, empty_value=None)
    area = forms.TypedChoiceField(label=gettext_lazy("Area"), coerce=int, required=False, empty_value=None)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    priority = forms.ChoiceField(label=gettext_lazy("Priority"), required=False)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    date = forms.DateField(label=gettext_lazy("Day"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    group = forms.ChoiceField(label=gettext_lazy("Group"), required=False)

    def __init__(self, data, *, offices: list[ServiceOffice], areas: list[Area]):
        super().__init__(data)
        self.fields["office"].choices = [(office.pk, str(office)) for office in offices]
        self.fields["area"].choices = [("", _("All areas")), *((area.pk, str(area)) for area in areas)]
        self.fields["kind"].choices = [("", _("All kinds")), *kind_choices()]
        self.fields["priority"].choices = [("", _("Any priority")), *Priority.choices]
        self.fields["status"].choices = [("", _("Open")), *Status.choices, ("all", _("All of the day"))]
        self.fields["group"].choices = [("area", _("By area")), ("status", _("By status")),
                                        ("none", _("Not grouped"))]


@dataclass
class BoardState:
    office: ServiceOffice | None
    offices: list[ServiceOffice]
    areas: list[Area]
    day: date
    area_id: int | None = None
    kind: str = ""
    priority: str = ""
    status: str = ""
    group: str = "area"
    form: BoardFilterForm | None = None


def _default_office(user, offices: list[ServiceOffice]) -> ServiceOffice | None:
    staff = getattr(user, "staff", None)
    home = next((office for office in offices if staff is not None and office.pk == staff.office_id), None)
    return home or (offices[0] if offices else None)


def _parse_day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def board_state(request, params) -> BoardState:
    user = request.user
    offices = list(office_list(user=user).order_by("code"))
    try:
        wanted = int(params.get("office") or 0)
    except ValueError:
        wanted = 0
    office = next((candidate for candidate in offices if candidate.pk == wanted), None) or _default_office(
        user, offices)
    areas = list(area_list(user=user).filter(office=office).order_by("code")) if office else []
    data = params.copy()
    if office is not None:
        data["office"] = str(office.pk)
    data["date"] = _parse_day(params.get("date")).isoformat()
    if data.get("area") not in {str(area.pk) for area in areas}:
        data["area"] = ""  # e.g. an area of the office the user has just switched away from
    form = BoardFilterForm(data, offices=offices, areas=areas)
    form.is_valid()
    cleaned = form.cleaned_data
    return BoardState(
        office=office, offices=offices, areas=areas, day=cleaned.get("date") or timezone.localdate(),
        area_id=cleaned.get("area"), kind=cleaned.get("kind") or "", priority=cleaned.get("priority") or "",
        status=cleaned.get("status") or "", group=cleaned.get("group") or "area", form=form)


# --- SLA countdowns and cards -------------------------------------------------------------------------------------


def countdown(seconds: int) -> str:
    sign = "−" if seconds < 0 else ""
    seconds = abs(seconds)
    return f"{sign}{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def kind_label(code: str) -> str:
    try:
        return str(get_kind(code).label)
    except UnknownKind:
        return code


def person(staff: StaffProfile | None) -> str:
    if staff is None:
        return ""
    return staff.user.get_full_name() or staff.user.get_username()


def decorate(order: WorkOrder, now: datetime) -> WorkOrder:
    """Attach what the card shows: kind label, SLA countdown and colour, the actions open to the dispatcher."""
    order.board_kind = kind_label(order.kind)
    order.board_assignee = person(order.assignee)
    order.board_due_in = order.board_warn_in = None
    running = order.is_open and order.sla_due_at is not None and order.sla_state not in (SlaState.NONE,
                                                                                          SlaState.MET)
    if order.sla_paused_at is not None and running:
        order.board_sla = "paused"
    elif running:
        order.board_due_in = int((order.sla_due_at - now).total_seconds())
        if order.sla_warn_at is not None:
            order.board_warn_in = int((order.sla_warn_at - now).total_seconds())
        if order.sla_state == SlaState.BREACHED or order.board_due_in <= 0:
            order.board_sla = "breached"
        elif order.sla_state == SlaState.AT_RISK or (order.board_warn_in is not None and order.board_warn_in <= 0):
            order.board_sla = "at_risk"
        else:
            order.board_sla = "ok"
    else:
        order.board_sla = order.sla_state if order.sla_state in (SlaState.MET, SlaState.BREACHED) else "none"
    order.board_sla_text = countdown(order.board_due_in) if order.board_due_in is not None else ""
    order.board_can_assign = order.status in ASSIGNABLE
    order.board_can_unassign = order.status in UNASSIGNABLE
    order.board_can_dispatch = order.status == Status.ASSIGNED
    # An unassigned emergency can be fitted into today's live routes (shown on today's board only).
    order.board_can_insert = order.status == Status.NEW and order.priority == Priority.EMERGENCY
    return order


@dataclass
class TechOption:
    pk: int
    label: str
    hint: str
    current: bool


def _hint(order: WorkOrder, tech: StaffProfile, row: "TechRow") -> str:
    """A first look at why the technician may not fit, from prefetched data; the service has the last word."""
    if row.absence is not None:
        return row.absence.get_kind_display()
    if row.hours is None:
        return _("off")
    held = {skill.skill.code: skill for skill in tech.skills.all()}
    for code in order.required_skills:
        if code not in held:
            return _("lacks %(skill)s") % {"skill": code}
        skill = held[code]
        if skill.skill.requires_certificate and (skill.valid_until is None or skill.valid_until < row.day):
            return _("certificate expired")
    if order.priority == Priority.EMERGENCY and row.day == timezone.localdate():
        now = timezone.localtime().time()
        if not row.hours.start <= now < row.hours.end:
            return _("not on shift now")
    return ""


def tech_options(order: WorkOrder, rows: list["TechRow"]) -> list[TechOption]:
    options = []
    for row in rows:
        hint = _hint(order, row.tech, row)
        label = f"{row.name} ({hint})" if hint else row.name
        options.append(TechOption(row.tech.pk, label, hint, row.tech.pk == order.assignee_id))
    return options


# --- the technicians' day -----------------------------------------------------------------------------------------


@dataclass
class Hours:
    start: time
    end: time
    break_start: time | None = None
    break_end: time | None = None


@dataclass
class Band:
    left: str
    width: str


@dataclass
class Slot:
    order: WorkOrder
    start: datetime
    end: datetime
    estimated: bool
    left: str = ""
    width: str = ""
    top: int = 0
    label: str = ""


@dataclass
class TechRow:
    tech: StaffProfile
    day: date
    name: str
    hours: Hours | None
    absence: ShiftException | None
    skills: list[str]
    shift: Band | None = None
    pause: Band | None = None
    slots: list[Slot] = field(default_factory=list)
    lanes: int = 1
    now: Band | None = None
    jobs: list[WorkOrder] = field(default_factory=list)  # the day's jobs in visiting order (sequence first)

    @property
    def height(self) -> int:
        return max(1, self.lanes) * LANE_PX + 8


def _hours(tech: StaffProfile) -> tuple[Hours | None, ShiftException | None]:
    """Working hours on the day from the prefetched shift and exception (the rule of org.selectors.working_day)."""
    exception = tech.day_exceptions[0] if tech.day_exceptions else None
    if exception is not None:
        if exception.kind == ShiftException.Kind.OVERTIME and exception.start and exception.end:
            return Hours(exception.start, exception.end), None
        if exception.kind != ShiftException.Kind.OVERTIME:
            return None, exception
    shift = tech.day_shifts[0] if tech.day_shifts else None
    if shift is None:
        return None, None
    return Hours(shift.start, shift.end, shift.break_start, shift.break_end), None


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute - GRID_START_HOUR * 60


def _band(start_minute: float, end_minute: float) -> Band | None:
    start_minute, end_minute = max(0.0, start_minute), min(float(GRID_MINUTES), end_minute)
    if end_minute <= start_minute:
        return None
    return Band(f"{start_minute * 100 / GRID_MINUTES:.3f}", f"{(end_minute - start_minute) * 100 / GRID_MINUTES:.3f}")


def _short_number(number: str) -> str:
    """WO261123-0000042 → 42: the timeline has little room; the full number is in the tooltip."""
    tail = number.rpartition("-")[2].lstrip("0")
    return tail if tail.isdigit() else number


def _first_gap(start: datetime, length: timedelta, busy: list[tuple[datetime, datetime]]) -> datetime:
    for busy_start, busy_end in sorted(busy):
        if start < busy_end and start + length > busy_start:
            start = busy_end
    return start


def _place(row: TechRow, jobs: list[WorkOrder]) -> None:
    """Lay the day's jobs on the row.

    A job with a planned arrival or an appointment on the day sits at that time; the others (estimated, drawn
    dashed) follow one another in visiting order from the start of the shift, in the first gap long enough.
    """
    zone = timezone.get_current_timezone()
    grid_zero = datetime.combine(row.day, time(GRID_START_HOUR), tzinfo=zone)
    busy: list[tuple[datetime, datetime]] = []
    if row.hours is not None and row.hours.break_start and row.hours.break_end:
        busy.append((datetime.combine(row.day, row.hours.break_start, tzinfo=zone),
                     datetime.combine(row.day, row.hours.break_end, tzinfo=zone)))
    slots: list[Slot] = []
    floating: list[WorkOrder] = []
    for order in jobs:
        length = timedelta(minutes=order.duration_minutes or 30)
        if order.attended_at is not None:  # what happened: on site from arrival to completion
            fixed = timezone.localtime(order.attended_at, zone)
            end = timezone.localtime(order.completed_at, zone) if order.completed_at else fixed + length
        else:
            fixed = order.planned_start or order.window_start
            fixed = timezone.localtime(fixed, zone) if fixed else None
            end = fixed + length if fixed else None
        if fixed is None or fixed.date() != row.day:
            floating.append(order)
            continue
        slots.append(Slot(order=order, start=fixed, end=max(end, fixed + timedelta(minutes=5)), estimated=False))
        busy.append((fixed, end))
    cursor = max(datetime.combine(row.day, row.hours.start if row.hours else time(GRID_START_HOUR), tzinfo=zone),
                 grid_zero)
    now = timezone.localtime(timezone=zone)
    if row.day == now.date():  # what is not booked yet cannot happen in the past
        cursor = max(cursor, now.replace(second=0, microsecond=0) + timedelta(minutes=5 - now.minute % 5))
    for order in floating:
        length = timedelta(minutes=order.duration_minutes or 30)
        start = _first_gap(cursor, length, busy)
        slots.append(Slot(order=order, start=start, end=start + length, estimated=True))
        busy.append((start, start + length))
        cursor = start + length
    # Lanes by drawn position, so that jobs clamped to an edge of the grid do not hide one another.
    lane_ends: list[float] = []
    for slot in sorted(slots, key=lambda slot: slot.start):
        begin = min(max(0.0, (slot.start - grid_zero).total_seconds() / 60), GRID_MINUTES - MIN_SLOT_MINUTES)
        finish = min(max(begin + MIN_SLOT_MINUTES, (slot.end - grid_zero).total_seconds() / 60),
                     float(GRID_MINUTES))
        band = _band(begin, finish)
        slot.left, slot.width = band.left, band.width
        slot.label = _short_number(slot.order.number)
        lane = next((index for index, lane_end in enumerate(lane_ends) if lane_end <= begin), None)
        if lane is None:
            lane = len(lane_ends)
            lane_ends.append(finish)
        else:
            lane_ends[lane] = finish
        slot.top = 4 + lane * LANE_PX
        row.slots.append(slot)
    row.lanes = max(1, len(lane_ends))
    if row.day == now.date() and now >= grid_zero:
        row.now = _band((now - grid_zero).total_seconds() / 60, GRID_MINUTES)


def technician_rows(user, office_id: int, day: date) -> list[TechRow]:
    """One row per assignable technician of the office for the day (a fixed number of queries)."""
    technicians = list(board_technicians(user=user, office_id=office_id, day=day))
    jobs: dict[int, list[WorkOrder]] = {tech.pk: [] for tech in technicians}
    now = timezone.now()
    for order in board_day_jobs(user=user, technician_ids=list(jobs), day=day):
        jobs[order.assignee_id].append(decorate(order, now))
    rows = []
    for tech in technicians:
        hours, absence = _hours(tech)
        row = TechRow(tech=tech, day=day, name=person(tech), hours=hours, absence=absence,
                      skills=sorted(skill.skill.code for skill in tech.skills.all()))
        if hours is not None:
            row.shift = _band(_minutes(hours.start), _minutes(hours.end))
            if hours.break_start and hours.break_end:
                row.pause = _band(_minutes(hours.break_start), _minutes(hours.break_end))
        row.jobs = jobs[tech.pk]
        _place(row, jobs[tech.pk])
        rows.append(row)
    return rows


def grid_hours() -> list[dict]:
    return [{"label": f"{hour:02d}:00", "left": f"{(hour - GRID_START_HOUR) * 6000 / GRID_MINUTES:.3f}"}
            for hour in range(GRID_START_HOUR, GRID_END_HOUR)]


# --- the schematic map --------------------------------------------------------------------------------------------


def _rings(boundary) -> list[list]:
    if not isinstance(boundary, dict):
        return []
    coordinates = boundary.get("coordinates") or []
    if boundary.get("type") == "Polygon":
        return coordinates[:1]
    if boundary.get("type") == "MultiPolygon":
        return [polygon[0] for polygon in coordinates if polygon]
    return []


def build_map(areas: list[Area], orders: list[WorkOrder], rows: list[TechRow], area_id: int | None,
              routes: list[dict] | None = None) -> dict | None:
    """An equirectangular projection of the office's areas, jobs, home bases and routes fitted to their bounds.

    `routes` are technicians' days as lines: {"technician", "name", "colour", "kind", "points": [(lng, lat)]}.
    """
    area_rings = [(area, _rings(area.boundary)) for area in areas]
    jobs = [order for order in orders if order.lat is not None and order.lng is not None]
    bases = [row for row in rows if row.tech.home_lat is not None and row.tech.home_lng is not None]
    routes = [route for route in routes or [] if len(route["points"]) >= 2]
    points = [(lng, lat) for _area, rings in area_rings for ring in rings for lng, lat, *_rest in ring]
    points += [(order.lng, order.lat) for order in jobs]
    points += [(row.tech.home_lng, row.tech.home_lat) for row in bases]
    points += [point for route in routes for point in route["points"]]
    if not points:
        return None
    min_lng, max_lng = min(p[0] for p in points), max(p[0] for p in points)
    min_lat, max_lat = min(p[1] for p in points), max(p[1] for p in points)
    x_factor = math.cos(math.radians((min_lat + max_lat) / 2))
    span_x = max((max_lng - min_lng) * x_factor, 1e-4)
    span_y = max(max_lat - min_lat, 1e-4)
    scale = min((MAP_WIDTH - 2 * MAP_PAD) / span_x, (MAP_HEIGHT - 2 * MAP_PAD) / span_y)
    offset_x = (MAP_WIDTH - span_x * scale) / 2
    offset_y = (MAP_HEIGHT - span_y * scale) / 2

    def project(lng: float, lat: float) -> tuple[float, float]:
        return offset_x + (lng - min_lng) * x_factor * scale, offset_y + (max_lat - lat) * scale

    drawn_areas = []
    for area, rings in area_rings:
        polygons = []
        for ring in rings:
            projected = [project(point[0], point[1]) for point in ring]
            polygons.append(" ".join(f"{x:.1f},{y:.1f}" for x, y in projected))
        if polygons:
            first = [project(point[0], point[1]) for point in rings[0]]
            label_x = sum(x for x, _y in first) / len(first)
            label_y = sum(y for _x, y in first) / len(first)
            drawn_areas.append({"area": area, "polygons": polygons, "label_x": f"{label_x:.1f}",
                                "label_y": f"{label_y:.1f}", "selected": area.pk == area_id})
    drawn_jobs = []
    for order in sorted(jobs, key=lambda o: o.priority == Priority.EMERGENCY):  # emergencies drawn last, on top
        x, y = project(order.lng, order.lat)
        drawn_jobs.append({"order": order, "x": f"{x:.1f}", "y": f"{y:.1f}"})
    drawn_bases = []
    for row in bases:
        x, y = project(row.tech.home_lng, row.tech.home_lat)
        drawn_bases.append({"row": row, "x": f"{x - 5:.1f}", "y": f"{y - 5:.1f}"})
    drawn_routes = [{**route, "line": " ".join("{:.1f},{:.1f}".format(*project(lng, lat))
                                             for lng, lat in route["points"])} for route in routes]
    return {"width": MAP_WIDTH, "height": MAP_HEIGHT, "areas": drawn_areas, "jobs": drawn_jobs,
            "bases": drawn_bases, "routes": drawn_routes, "tile_url": settings.MAP_TILE_URL}


# --- routes: the planner's preview and the committed day ---------------------------------------------------------

# One colour per technician (by their place on the board), distinct from the priority colours of the dots.
ROUTE_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#8c564b", "#7b3294", "#b8860b",
                 "#1b9e77", "#525252", "#d95f02", "#1f3a93")


def route_colours(rows: list[TechRow], technician_ids: list[int]) -> dict[int, str]:
    """Technician id → colour: by the technician's row on the board, then the others in the order given."""
    order = [row.tech.pk for row in rows] + [pk for pk in technician_ids if pk not in {row.tech.pk for row in rows}]
    return {pk: ROUTE_COLOURS[index % len(ROUTE_COLOURS)] for index, pk in enumerate(order)}


def _home(staff: StaffProfile, office: ServiceOffice) -> tuple[float, float] | None:
    """Where the technician's day starts and ends (lng, lat): the home base, else the office, as the planner."""
    lat = staff.home_lat if staff.home_lat is not None else office.lat
    lng = staff.home_lng if staff.home_lng is not None else office.lng
    return None if lat is None or lng is None else (lng, lat)


def _line(home: tuple[float, float] | None, stops: list[tuple[float, float]]) -> list[tuple[float, float]]:
    return [home, *stops, home] if home is not None else stops


def committed_routes(rows: list[TechRow], office: ServiceOffice) -> list[dict]:
    """The day as committed: each technician's jobs that have a place in the day (sequence), in that order."""
    colours = route_colours(rows, [])
    routes = []
    for row in rows:
        stops = [(order.lng, order.lat) for order in sorted(
            (order for order in row.jobs if order.sequence is not None), key=lambda order: (order.sequence, order.pk))
            if order.lat is not None and order.lng is not None]
        if stops:
            routes.append({"technician": row.tech.pk, "name": row.name, "colour": colours[row.tech.pk],
                           "kind": "committed", "points": _line(_home(row.tech, office), stops)})
    return routes


def _moment(value: str | None) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


@dataclass
class PlanView:
    """A stored plan as the board shows it: routes with colours and times, the jobs left out with their reason."""

    plan: RoutePlan
    routes: list[dict] = field(default_factory=list)
    unassigned: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)  # the routes for the map

    @property
    def assigned(self) -> int:
        return sum(len(route["visits"]) for route in self.routes)


def plan_view(plan: RoutePlan, rows: list[TechRow]) -> PlanView:
    """The preview of a ready plan (two queries: the technicians and the jobs' places)."""
    view = PlanView(plan)
    if plan.state != RoutePlan.State.READY:
        return view
    result = plan.result or {}
    stored = result.get("routes", [])
    staff = {tech.pk: tech for tech in StaffProfile.objects.filter(
        pk__in=[route["technician"] for route in stored]).select_related("user")}
    order_ids = [visit["work_order"] for route in stored for visit in route["visits"]]
    order_ids += [item["work_order"] for item in result.get("unassigned", [])]
    orders = WorkOrder.objects.filter(pk__in=order_ids).only("pk", "number", "lat", "lng", "address", "priority",
                                                             "kind").in_bulk()
    colours = route_colours(rows, [route["technician"] for route in stored])
    for route in stored:
        tech = staff.get(route["technician"])
        visits, stops = [], []
        for visit in route["visits"]:
            order = orders.get(visit["work_order"])
            number = visit.get("number") or getattr(order, "number", "")
            visits.append({"work_order": visit["work_order"], "number": number,
                           "arrival": _moment(visit["arrival"]), "start": _moment(visit["start"]),
                           "end": _moment(visit["end"]), "travel_km": visit["travel_km"],
                           "address": getattr(order, "address", "")})
            if order is not None and order.lat is not None and order.lng is not None:
                stops.append((order.lng, order.lat))
        rest = route.get("break")
        item = {"technician": route["technician"], "name": person(tech) if tech else route.get("name", ""),
                "colour": colours[route["technician"]], "departure": _moment(route["departure"]),
                "return": _moment(route["return"]), "km": route["km"],
                "utilisation": round(route["utilisation"] * 100), "visits": visits,
                "break": {"start": _moment(rest["start"]), "end": _moment(rest["end"])} if rest else None}
        view.routes.append(item)
        if stops:
            home = _home(tech, plan.office) if tech is not None else None
            view.lines.append({"technician": item["technician"], "name": item["name"], "colour": item["colour"],
                               "kind": "preview", "points": _line(home, stops)})
    for item in result.get("unassigned", []):
        order = orders.get(item["work_order"])
        reason = planning.REASONS.get(item["reason"])
        view.unassigned.append({"work_order": item["work_order"], "number": item.get("number") or
                                getattr(order, "number", ""), "reason": item["reason"],
                                "message": str(reason) if reason is not None else item.get("message", ""),
                                "priority": getattr(order, "priority", "")})
    return view


# --- the page -----------------------------------------------------------------------------------------------------


def _group(orders: list[WorkOrder], how: str) -> list[dict]:
    emergencies = [order for order in orders if order.priority == Priority.EMERGENCY]
    rest = [order for order in orders if order.priority != Priority.EMERGENCY]
    groups = [{"key": "emergency", "label": _("Emergencies"), "orders": emergencies, "emergency": True}] \
        if emergencies else []
    if how == "status":
        for value, label in Status.choices:
            members = [order for order in rest if order.status == value]
            if members:
                groups.append({"key": value, "label": label, "orders": members})
    elif how == "none":
        if rest:
            groups.append({"key": "all", "label": _("Other work"), "orders": rest})
    else:
        by_area: dict[int, dict] = {}
        for order in rest:
            by_area.setdefault(order.area_id, {"key": f"area-{order.area_id}", "label": str(order.area),
                                               "code": order.area.code, "orders": []})["orders"].append(order)
        groups += sorted(by_area.values(), key=lambda group: group["code"])
    return groups


def board_context(request, state: BoardState) -> dict:
    now = timezone.now()
    if state.office is None:
        return {"state": state, "no_office": True}
    queue = board_queue(user=request.user, office_id=state.office.pk, day=state.day, area_id=state.area_id,
                        kind=state.kind, priority=state.priority, status=state.status)
    orders = [decorate(order, now) for order in queue[: QUEUE_LIMIT + 1]]
    truncated = len(orders) > QUEUE_LIMIT
    orders = orders[:QUEUE_LIMIT]
    rows = technician_rows(request.user, state.office.pk, state.day)
    for order in orders:
        order.board_options = tech_options(order, rows)
    plan = board_plan(user=request.user, office_id=state.office.pk, day=state.day)
    preview = plan_view(plan, rows) if plan is not None else None
    # The preview's routes while there is one; otherwise the day as committed.
    routes = preview.lines if preview is not None and preview.lines else committed_routes(rows, state.office)
    return {
        "state": state, "form": state.form, "orders": orders, "groups": _group(orders, state.group),
        "truncated": truncated, "queue_limit": QUEUE_LIMIT, "rows": rows, "hours": grid_hours(),
        "map": build_map(state.areas, orders, rows, state.area_id, routes), "today": timezone.localdate(),
        "board_url": reverse("board"), "plan": preview,
    }


@require_GET
@board_access
def board(request):
    state = board_state(request, request.GET)
    context = board_context(request, state)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "workorders/board_main.html" if partial else "workorders/board.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- actions ------------------------------------------------------------------------------------------------------


def _visible_order(request, pk: int) -> WorkOrder:
    order = work_order_get(user=request.user, work_order_id=pk)
    if order is None:
        raise Http404(_("Work order not found."))
    return order


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version") or 0) or None
    except ValueError:
        return None


def _back_to_board(request, office_id: int, day: date) -> HttpResponse:
    """Without JavaScript: back to the board the form was posted from, or to the order's office and day."""
    referer = request.headers.get("Referer", "")
    if referer and urlsplit(referer).path == reverse("board") and url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(referer)
    return redirect(f"{reverse('board')}?{urlencode({'office': office_id, 'date': day.isoformat()})}")


def _card_response(request, order_id: int, day: date, *, error: str = "", status: int = 200,
                   rows_for: set[int] | None = None, proposal: dict | None = None) -> HttpResponse:
    """The re-rendered card (with the refusal, if any) and, out of band, the technician rows that changed."""
    if not request.htmx:
        order = _visible_order(request, order_id)
        if error:
            messages.error(request, error)
        return _back_to_board(request, order.office_id, day)
    order = work_order_get(user=request.user, work_order_id=order_id)
    if order is None:
        raise Http404(_("Work order not found."))
    decorate(order, timezone.now())
    office_rows = technician_rows(request.user, order.office_id, day)
    order.board_options = tech_options(order, office_rows)
    changed = [row for row in office_rows if rows_for and row.tech.pk in rows_for]
    context = {"order": order, "error": error, "day": day, "rows": changed, "hours": grid_hours(), "oob": True,
               "today": timezone.localdate(), "proposal": proposal}
    return render(request, "workorders/board_card_response.html", context, status=status)


def _posted_day(request) -> date:
    return _parse_day(request.POST.get("date"))


def _act(request, pk: int, action) -> HttpResponse:
    """Run a board action on a visible order; show a refusal in its card, or re-render it and the rows touched."""
    order = _visible_order(request, pk)
    day = _posted_day(request)
    before = order.assignee_id
    try:
        after = action(order, day)
    except DispatchError as exc:
        return _card_response(request, order.pk, day, error=exc.message, status=exc.status_code)
    touched = {tech for tech in (before, after.assignee_id) if tech}
    return _card_response(request, order.pk, day, rows_for=touched)


@require_POST
@board_access
def assign(request, pk: int):
    def run(order: WorkOrder, day: date) -> WorkOrder:
        raw = request.POST.get("technician", "")
        # Any technician the user may see: one of another office is refused by the service, with its reason.
        technician = assignable_technicians(user=request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
        if technician is None:
            raise DispatchError("invalid", _("Choose a technician."))
        return services.assign(work_order_id=order.pk, technician=technician, actor=request.user,
                               expected_version=_version(request), scheduled_date=day)

    return _act(request, pk, run)


@require_POST
@board_access
def unassign(request, pk: int):
    def run(order: WorkOrder, day: date) -> WorkOrder:
        return services.unassign(work_order_id=order.pk, actor=request.user,
                                 reason=request.POST.get("reason", "")[:500], expected_version=_version(request))

    return _act(request, pk, run)


@require_POST
@board_access
def dispatch(request, pk: int):
    def run(order: WorkOrder, day: date) -> WorkOrder:
        return services.transition(work_order_id=order.pk, to_status=Status.DISPATCHED, actor=request.user,
                                   expected_version=_version(request))

    return _act(request, pk, run)



# --- emergency insertion ------------------------------------------------------------------------------------------


@require_POST
@board_access
def propose_insertion(request, pk: int):
    """Where the unassigned emergency fits into today's live routes (the planner's insertion service)."""
    order = _visible_order(request, pk)
    day = _posted_day(request)
    try:
        found = planning.emergency_proposal(work_order=order)
    except DispatchError as exc:
        return _card_response(request, order.pk, day, error=exc.message, status=exc.status_code)
    staff = StaffProfile.objects.select_related("user").filter(pk=found["technician"]).first()
    numbers = dict(WorkOrder.objects.filter(pk__in=[item["work_order"] for item in found["delayed"]])
                   .values_list("pk", "number"))
    proposal = {**found, "name": person(staff) if staff else found["name"], "arrival": _moment(found["arrival"]),
                "delayed": [{**item, "number": numbers.get(item["work_order"], "")} for item in found["delayed"]]}
    if not request.htmx:
        messages.info(request, _("Proposed: %(who)s, stop %(position)s, arriving %(arrival)s, %(km)s km more.") % {
            "who": proposal["name"], "position": proposal["position"],
            "arrival": proposal["arrival"].strftime("%H:%M"), "km": proposal["added_km"]})
    return _card_response(request, order.pk, day, proposal=proposal)


@require_POST
@board_access
def confirm_insertion(request, pk: int):
    """Assign the emergency as proposed, through the same service as POST /api/plans/emergency-insertion/."""
    def run(order: WorkOrder, day: date) -> WorkOrder:
        raw, position = request.POST.get("technician", ""), request.POST.get("position", "")
        technician = assignable_technicians(user=request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
        if technician is None or not position.isdigit() or int(position) < 1:
            raise DispatchError("invalid", _("Propose the insertion again, then confirm it."))
        return planning.emergency_confirm(work_order=order, technician=technician, position=int(position),
                                          actor=request.user)

    return _act(request, pk, run)


# --- planning the day ---------------------------------------------------------------------------------------------


def _visible_plan(request, pk: int) -> RoutePlan:
    plan = visible_plans(user=request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("Plan not found."))
    return plan


def _board_params(request, plan: RoutePlan):
    """The filters the request carried (htmx includes the filter form), on the plan's office and day."""
    params = (request.POST if request.method == "POST" else request.GET).copy()
    params["office"], params["date"] = str(plan.office_id), plan.day.isoformat()
    return params


def _render_board_main(request, plan: RoutePlan, *, notice: dict | None = None, status: int = 200) -> HttpResponse:
    """The whole board again (queue, timelines, map, plan), swapped in place of the one on the page."""
    state = board_state(request, _board_params(request, plan))
    context = board_context(request, state)
    context["plan_notice"] = notice
    response = render(request, "workorders/board_main.html", context, status=status)
    response["HX-Retarget"], response["HX-Reswap"] = "#board-main", "outerHTML"
    return response


def _plan_response(request, plan: RoutePlan) -> HttpResponse:
    """While the plan runs, the progress panel (polling itself); once it has an answer, the whole board."""
    if not request.htmx:
        return redirect(f"{reverse('board')}?{urlencode({'office': plan.office_id, 'date': plan.day.isoformat()})}")
    if plan.state in (RoutePlan.State.QUEUED, RoutePlan.State.RUNNING):
        return render(request, "workorders/board_plan.html", {"plan": PlanView(plan)})
    return _render_board_main(request, plan)


@require_POST
@board_access
def plan_start(request):
    """Plan the chosen office's day (or one area of it) with the planner's service; the Celery task does it."""
    raw = request.POST.get("office", "")
    office = office_list(user=request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if office is None:
        raise Http404(_("Office not found."))
    day = _posted_day(request)
    area = request.POST.get("area", "")
    seconds = int(getattr(settings, "PLANNING_BOARD_SECONDS", 20))
    try:
        plan = planning.plan_create(actor=request.user, office=office, day=day,
                                    area_ids=[int(area)] if area.isdigit() else None, seconds=seconds)
    except DispatchError as exc:
        if not request.htmx:
            messages.error(request, exc.message)
            return redirect(f"{reverse('board')}?{urlencode({'office': office.pk, 'date': day.isoformat()})}")
        return render(request, "workorders/board_plan.html", {"plan": None, "plan_error": exc.message},
                      status=exc.status_code)
    plan.refresh_from_db()  # with eager tasks (no broker) the plan is already made
    return _plan_response(request, plan)


@require_GET
@board_access
def plan_status(request, pk: int):
    """The plan's progress (polled every second while it runs), or the board with its preview once ready."""
    plan = visible_plans(user=request.user).filter(pk=pk).first()
    if plan is None:
        if request.htmx and not RoutePlan.objects.filter(pk=pk).exists():
            # Discarded meanwhile (by another dispatcher): stop polling, show the empty panel.
            return render(request, "workorders/board_plan.html",
                          {"plan": None, "plan_error": _("The plan has been discarded.")})
        raise Http404(_("Plan not found."))
    return _plan_response(request, plan)


@require_POST
@board_access
def plan_commit(request, pk: int):
    """Assign and order the planned jobs through the planner's commit service; each job reported."""
    plan = _visible_plan(request, pk)
    try:
        outcome = planning.plan_commit(plan_id=plan.pk, actor=request.user)
    except DispatchError as exc:
        notice = {"error": exc.message}
        status = exc.status_code
    else:
        failed = [item for item in outcome["results"] if not item["ok"]]
        numbers = dict(WorkOrder.objects.filter(pk__in=[item["work_order"] for item in failed])
                       .values_list("pk", "number"))
        notice = {"committed": outcome["committed"],
                  "failed": [{**item, "number": numbers.get(item["work_order"], "")} for item in failed]}
        status = 200
    if not request.htmx:
        if "error" in notice:
            messages.error(request, notice["error"])
        else:
            messages.success(request, _("Plan committed: %(count)s jobs assigned.") % {"count": notice["committed"]})
        return _plan_response(request, plan)
    return _render_board_main(request, plan, notice=notice, status=status)


@require_POST
@board_access
def plan_discard(request, pk: int):
    """Throw the preview away (nothing was assigned), with any older previews of the day it superseded."""
    plan = _visible_plan(request, pk)
    finished = (RoutePlan.State.READY, RoutePlan.State.FAILED)
    if plan.state not in finished:
        notice = {"error": _("Only a plan ready for review (or failed) can be discarded.")}
        if not request.htmx:
            messages.error(request, notice["error"])
            return _plan_response(request, plan)
        return _render_board_main(request, plan, notice=notice, status=409)
    RoutePlan.objects.filter(office=plan.office, day=plan.day, state__in=finished,
                             created_at__lte=plan.created_at).delete()
    if not request.htmx:
        messages.info(request, _("Plan discarded."))
        return _plan_response(request, plan)
    return _render_board_main(request, plan, notice={"discarded": True})
