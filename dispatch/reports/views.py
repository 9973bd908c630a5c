"""KPI dashboards (department head: every office; dispatchers: their offices), drill-downs, monthly report."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dispatch.common.audit import record_event
from dispatch.common.documents import XLSX_CONTENT_TYPE
from dispatch.common.roles import Role, has_role
from dispatch.org.models import Area, ServiceOffice, StaffProfile
from dispatch.org.selectors import office_ids_for

from . import kpis, monthly
from .kpis import Scope
from .models import MonthlyReport

READERS = (Role.MANAGER, Role.ADMIN, Role.AGENT, Role.DISPATCHER)
CHART_MONTHS = 6


def _month(request) -> date:
    value = request.GET.get("month", "")
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _scope(request) -> Scope:
    if not request.user.is_authenticated or not has_role(request.user, *READERS):
        raise PermissionDenied
    offices = office_ids_for(request.user)
    office_id = _int(request.GET.get("office"))
    if offices is not None:  # a dispatcher: their own office only
        if office_id is None:
            office_id = min(offices) if offices else -1
        if office_id not in offices:
            raise PermissionDenied
    return Scope(office_id=office_id, area_id=_int(request.GET.get("area")),
                 technician_id=_int(request.GET.get("technician")))


def _bars(values: list[tuple[str, float | None]], target: float | None, width: int = 260, height: int = 110) -> dict:
    """Geometry of a small inline SVG bar chart (values in %, or ‰), with the target line."""
    top = max([v for _label, v in values if v is not None] + [target or 0, 1])
    slot = width / max(len(values), 1)
    bars = []
    for index, (label, value) in enumerate(values):
        h = 0 if value is None else (value / top) * (height - 20)
        bars.append({"x": round(index * slot + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                     "y": round(height - 14 - h, 1), "h": round(h, 1), "label": label,
                     "value": "—" if value is None else f"{value:.1f}", "tx": round(index * slot + slot / 2, 1)})
    line = None if target is None else round(height - 14 - (target / top) * (height - 20), 1)
    return {"bars": bars, "width": width, "height": height, "target_y": line}


def _query(scope: Scope, month: date) -> str:
    parts = [f"month={month:%Y-%m}"]
    for name in ("office_id", "area_id", "technician_id"):
        value = getattr(scope, name)
        if value:
            parts.append(f"{name.removesuffix('_id')}={value}")
    return "&".join(parts)


@login_required
@require_GET
def dashboard(request):
    scope, month = _scope(request), _month(request)
    months = kpis.previous_months(month, CHART_MONTHS)
    history = {m: kpis.all_kpis(scope, m) for m in months}
    cards = []
    for index, value in enumerate(history[month]):
        series = [(f"{m:%m}", history[m][index].value) for m in months]
        cards.append({"kpi": value, "chart": _bars(series, value.target)})
    offices_visible = office_ids_for(request.user)
    offices = ServiceOffice.objects.order_by("code")
    if offices_visible is not None:
        offices = offices.filter(pk__in=offices_visible)
    by_office = []
    if scope.office_id is None:
        for office in offices:
            by_office.append((office, kpis.all_kpis(Scope(office_id=office.pk), month)))
    return render(request, "reports/dashboard.html", {
        "scope": scope, "month": month, "cards": cards, "by_office": by_office, "offices": offices,
        "areas": Area.objects.filter(office_id=scope.office_id).order_by("code") if scope.office_id else [],
        "technicians": (StaffProfile.objects.filter(office_id=scope.office_id, user__groups__name=Role.TECHNICIAN)
                        .select_related("user").order_by("user__username") if scope.office_id else []),
        "query": _query(scope, month), "sla_by_kind": kpis.sla_by_kind(scope, month),
        "complaints": kpis.complaint_analysis(scope, month),
        "risk_counts": {name: queryset.count() for name, queryset in kpis.open_risks(scope).items()},
    })


@login_required
@require_GET
def drill_down(request, code: str):
    if code not in kpis.DEFINITIONS:
        raise Http404
    scope, month = _scope(request), _month(request)
    value = kpis.compute(code, scope, month)
    records = kpis.drill_down(code, scope, month)
    return render(request, "reports/drill_down.html", {
        "kpi": value, "records": records[:1000], "count": records.count(), "month": month,
        "query": _query(scope, month), "is_order": records.model.__name__ == "WorkOrder",
        "model": records.model.__name__})


@login_required
@require_GET
def monthly_report(request):
    scope, month = _scope(request), _month(request)
    kind = request.GET.get("format", "pdf")
    if scope == Scope() and request.GET.get("stored") == "1":
        stored = MonthlyReport.objects.filter(month=month).first()
        if stored is None:
            raise Http404
        content = bytes(stored.pdf if kind == "pdf" else stored.xlsx)
    else:
        data = monthly.report_data(month, scope)
        content = monthly.pdf(data) if kind == "pdf" else monthly.xlsx(data)
    record_event(actor=request.user, action="export", reason=f"monthly service report {month:%Y-%m} {kind}")
    extension, content_type = ("pdf", "application/pdf") if kind == "pdf" else ("xlsx", XLSX_CONTENT_TYPE)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="service-report-{month:%Y-%m}.{extension}"'
    return response
