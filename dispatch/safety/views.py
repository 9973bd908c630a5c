"""The safety officer's pages (server-rendered, charts as inline SVG) and their XLSX / PDF exports."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.common.documents import XLSX_CONTENT_TYPE, Sheet, render_pdf, render_xlsx
from dispatch.common.roles import Role, has_role
from dispatch.workorders.selectors import work_order_get

from . import selectors

OFFICER_ROLES = (Role.SAFETY_OFFICER, Role.MANAGER, Role.ADMIN)
MONTHS = list(range(1, 13))


def officer_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not has_role(request.user, *OFFICER_ROLES):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _year(request) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _bars(values: list[tuple[str, list[int]]], *, height: int = 160, width: int = 720) -> dict:
    """Geometry of a grouped bar chart for the template: one group per label, one bar per series."""
    top = max([value for _label, series in values for value in series] + [1])
    group = width / max(len(values), 1)
    bars, labels = [], []
    for index, (label, series) in enumerate(values):
        bar_width = (group - 8) / max(len(series), 1)
        for position, value in enumerate(series):
            bar_height = round(value / top * (height - 20), 1)
            bars.append({"x": round(index * group + 4 + position * bar_width, 1), "y": height - bar_height,
                         "w": round(bar_width - 2, 1), "h": bar_height, "series": position, "value": value,
                         "label": label})
        labels.append({"x": round(index * group + group / 2, 1), "text": label})
    return {"bars": bars, "labels": labels, "width": width, "height": height, "top": top}


def coverage_data(request):
    year = _year(request)
    today = timezone.localdate()
    areas, cells = selectors.coverage(user=request.user, year=year, today=today)
    rows = []
    totals = {month: [0, 0] for month in MONTHS}
    for area in areas:
        row = {"area": area, "months": [], "due": 0, "on_time": 0}
        for month in MONTHS:
            cell = cells[area.pk][month]
            row["months"].append(cell)
            row["due"] += cell.due
            row["on_time"] += cell.on_time
            totals[month][0] += cell.due
            totals[month][1] += cell.on_time
        row["percent"] = round(100 * row["on_time"] / row["due"]) if row["due"] else None
        rows.append(row)
    chart = _bars([(str(month), totals[month]) for month in MONTHS])
    return {"year": year, "rows": rows, "months": MONTHS, "chart": chart, "today": today,
            "total_due": sum(due for due, _done in totals.values()),
            "total_on_time": sum(done for _due, done in totals.values())}


def hazards_data(request):
    today = timezone.localdate()
    table = selectors.hazards_by_grade_and_age(user=request.user, today=today)
    buckets = [label for *_r, label in selectors.AGE_BUCKETS]
    chart = _bars([(label, [table[grade][label] for grade in (1, 2, 3)]) for label in buckets])
    return {"table": table, "buckets": buckets, "chart": chart, "today": today,
            "hazards": selectors.open_hazards(user=request.user).order_by("grade", "found_at")[:500]}


def overdue_data(request):
    today = timezone.localdate()
    return {"today": today, "hazards": selectors.overdue_rectifications(user=request.user, today=today)[:1000]}


def no_access_data(request):
    return {"files": selectors.no_access_list(user=request.user)[:1000], "today": timezone.localdate()}


REPORTS = {
    "coverage": (coverage_data, "safety/coverage.html", gettext_lazy("Inspection coverage")),
    "hazards": (hazards_data, "safety/hazards.html", gettext_lazy("Open hazards")),
    "overdue": (overdue_data, "safety/overdue.html", gettext_lazy("Overdue rectifications")),
    "no-access": (no_access_data, "safety/no_access.html", gettext_lazy("No-access escalation list")),
}


def _page(report: str):
    @officer_required
    def view(request):
        data, template, title = REPORTS[report]
        return render(request, template, {**data(request), "title": title, "report": report})

    view.__name__ = f"{report.replace('-', '_')}_page"
    return view


coverage_page = _page("coverage")
hazards_page = _page("hazards")
overdue_page = _page("overdue")
no_access_page = _page("no-access")


def _sheets(report: str, context: dict) -> list[Sheet]:
    if report == "coverage":
        header = [_("Area"), *[str(month) for month in MONTHS], _("Due"), _("On time"), "%"]
        rows = [[str(row["area"]), *[f"{cell.on_time}/{cell.due}" for cell in row["months"]], row["due"],
                 row["on_time"], row["percent"]] for row in context["rows"]]
        return [Sheet(_("Coverage %(year)s") % {"year": context["year"]}, header, rows)]
    hazards = context.get("hazards") or []
    if report in ("hazards", "overdue"):
        header = [_("Premises"), _("Address"), _("Area"), _("Hazard"), _("Grade"), _("Status"), _("Found"),
                  _("Rectify by"), _("Rectification order")]
        rows = [[hazard.premises.premises_no, hazard.premises.address, str(hazard.premises.area or ""),
                 hazard.hazard_type.name, hazard.grade, hazard.get_status_display(), hazard.found_at,
                 hazard.deadline, getattr(hazard.rectification_order, "number", "")] for hazard in hazards]
        sheets = [Sheet(str(REPORTS[report][2]), header, rows)]
        if report == "hazards":
            sheets.append(Sheet(_("By grade and age"), [_("Grade"), *context["buckets"]],
                                [[grade, *[context["table"][grade][label] for label in context["buckets"]]]
                                 for grade in (1, 2, 3)]))
        return sheets
    header = [_("Premises"), _("Address"), _("Area"), _("Customer"), _("Phone"), _("Visits without access"),
              _("Last visit"), _("Escalated")]
    rows = [[item.premises.premises_no, item.premises.address, str(item.premises.area or ""),
             item.premises.account.name, item.premises.account.phone, item.no_access_attempts,
             item.last_no_access_at, item.escalated_at] for item in context["files"]]
    return [Sheet(str(REPORTS[report][2]), header, rows)]


@officer_required
def export(request, report: str, fmt: str):
    if report not in REPORTS:
        raise Http404
    data, _template, title = REPORTS[report]
    context = {**data(request), "title": title, "report": report}
    filename = f"safety-{report}-{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(render_xlsx(_sheets(report, context)), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(render_pdf(f"safety/pdf/{report.replace('-', '_')}.html", context, request=request),
                                content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@officer_required
def premises_file(request, premises_id: int):
    data = selectors.safety_file(user=request.user, premises_id=premises_id)
    if data is None:
        raise Http404
    return render(request, "safety/premises_file.html", {**data, "today": timezone.localdate(),
                                                         "title": _("Customer safety file")})


@login_required
def inspection_notice(request, work_order_id: int):
    """The printable notice of a planned visit, for the customer's door or letterbox."""
    order = work_order_get(user=request.user, work_order_id=work_order_id)
    if order is None or order.kind != "safety_inspection":
        raise Http404
    pdf = render_pdf("safety/pdf/inspection_notice.html", {"orders": [order]}, request=request)
    return HttpResponse(pdf, content_type="application/pdf")


@officer_required
def hazard_notice(request, hazard_id: int):
    """The notice telling the customer what to rectify, and by when."""
    hazard = selectors.hazard_list(user=request.user).filter(pk=hazard_id).first()
    if hazard is None:
        raise Http404
    pdf = render_pdf("safety/pdf/hazard_notice.html", {"hazard": hazard}, request=request)
    return HttpResponse(pdf, content_type="application/pdf")
