"""The monthly service report (月度服务报告): KPIs with the two months before, SLA by kind, complaint analysis,
KPIs by office and the open risks; as PDF (dispatch.common.documents) and XLSX, on demand and on schedule."""

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.documents import Sheet, render_pdf, render_xlsx
from dispatch.org.models import ServiceOffice

from . import kpis
from .kpis import Scope
from .models import MonthlyReport

TREND_MONTHS = 3


def report_data(month: date, scope: Scope | None = None) -> dict:
    scope = scope or Scope()
    month = month.replace(day=1)
    months = kpis.previous_months(month, TREND_MONTHS)
    by_month = {m: kpis.all_kpis(scope, m) for m in months}
    current = by_month[month]
    rows = []
    for index, value in enumerate(current):
        history = [by_month[m][index] for m in months]
        previous = history[-2].value if len(history) > 1 else None
        trend = "" if value.value is None or previous is None else (
            "↑" if value.value > previous else "↓" if value.value < previous else "→")
        rows.append({"kpi": value, "history": history, "trend": trend})
    risks = kpis.open_risks(scope)
    offices = [(office, kpis.all_kpis(Scope(office_id=office.pk), month))
               for office in ServiceOffice.objects.order_by("code")]
    return {
        "month": month, "months": months, "rows": rows, "kpis": current,
        "sla_by_kind": kpis.sla_by_kind(scope, month),
        "complaints": kpis.complaint_analysis(scope, month),
        "offices": offices,
        "risks": {name: list(queryset.order_by("created_at")[:30]) for name, queryset in risks.items()},
        "risk_counts": {name: queryset.count() for name, queryset in risks.items()},
        "generated_at": timezone.now(),
    }


def pdf(data: dict) -> bytes:
    return render_pdf("reports/monthly_pdf.html", data)


def xlsx(data: dict) -> bytes:
    months = [f"{m:%Y-%m}" for m in data["months"]]
    sheets = [
        Sheet(_("KPIs"), [_("KPI"), _("unit"), _("target"), *months, _("attained"), _("counted"), _("met")],
              [[row["kpi"].label, row["kpi"].unit, row["kpi"].target,
                *[h.value for h in row["history"]], row["kpi"].numerator, row["kpi"].denominator,
                {True: _("yes"), False: _("no"), None: "—"}[row["kpi"].met]] for row in data["rows"]],
              widths={1: 40}),
        Sheet(_("SLA by kind"), [_("kind"), _("met"), _("counted"), _("%")],
              [list(row) for row in data["sla_by_kind"]]),
        Sheet(_("Complaints"), [_("analysis"), _("value"), _("complaints")],
              [[_("category"), label, n] for label, n in data["complaints"]["by_category"]]
              + [[_("root cause"), label, n] for label, n in data["complaints"]["by_root_cause"]]
              + [[_("founded"), label, n] for label, n in data["complaints"]["founded"]]),
        Sheet(_("By office"), [_("office"), *[value.label for value in data["kpis"]]],
              [[office.name, *[value.value for value in values]] for office, values in data["offices"]],
              widths={1: 24}),
        Sheet(_("Open risks"), [_("risk"), _("number"), _("created")],
              [[name, item.number, item.created_at] for name, items in data["risks"].items() for item in items]),
    ]
    return render_xlsx(sheets)


def generate(month: date) -> MonthlyReport:
    """Build and keep the report of a month (replacing an earlier build of the same month)."""
    data = report_data(month)
    report, _created = MonthlyReport.objects.update_or_create(month=month.replace(day=1), defaults={
        "kpis": {value.code: {"value": value.value, "numerator": value.numerator, "denominator": value.denominator,
                              "target": value.target} for value in data["kpis"]},
        "pdf": pdf(data), "xlsx": xlsx(data)})
    return report


def generate_due(today: date | None = None) -> MonthlyReport | None:
    """On beat: once a month has ended, its report is generated (once)."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    if MonthlyReport.objects.filter(month=last_month).exists():
        return None
    return generate(last_month)
