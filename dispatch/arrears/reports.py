"""Arrears reports, all read from the ledger: collection rate by area and month against the targets, aging
buckets, and the monthly arrears report (due on the 28th) as PDF and XLSX."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dispatch.common.documents import Sheet, render_pdf, render_xlsx
from dispatch.customers.models import CustomerAccount, Premises

from . import ledger
from .ledger import BUCKETS, ZERO
from .models import Bill, DunningCase, LateFee, MonthlyReport, Payment

# DOMAIN.md seed: bills of this month collected ≥ 80 %, of last month ≥ 90 %, of the month before 100 %.
# A site sets ARREARS_COLLECTION_TARGETS = {0: 80, 1: 90, 2: 100} (months back: percent) in its settings.
DEFAULT_TARGETS = {0: Decimal("80"), 1: Decimal("90"), 2: Decimal("100")}
REPORT_DAY = 28
NO_AREA = "—"


def targets() -> dict[int, Decimal]:
    configured = getattr(settings, "ARREARS_COLLECTION_TARGETS", None) or DEFAULT_TARGETS
    return {int(months): Decimal(str(percent)) for months, percent in configured.items()}


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def report_day(month: date) -> date:
    """The day the monthly report is due and its figures are taken: the 28th (or the month's last day)."""
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=min(getattr(settings, "ARREARS_REPORT_DAY", REPORT_DAY), last))


def account_areas(account_ids) -> dict[int, tuple[str, str]]:
    """Each account's area (code, name): that of its first supplied premises."""
    areas: dict[int, tuple[str, str]] = {}
    for account_id, code, name in (Premises.objects.filter(account_id__in=account_ids, area__isnull=False)
                                   .order_by("account_id", "-is_active", "premises_no")
                                   .values_list("account_id", "area__code", "area__name")):
        areas.setdefault(account_id, (code, name))
    return areas


def ledger_accounts(as_of: date, area_codes: set[str] | None = None) -> list[int]:
    moment = ledger.end_of(as_of)
    with_entries = (Q(pk__in=Bill.objects.filter(issued_at__lte=moment).values("account_id"))
                    | Q(pk__in=Payment.objects.filter(paid_at__lte=moment).values("account_id"))
                    | Q(pk__in=LateFee.objects.filter(accrued_on__lte=as_of).values("account_id")))
    accounts = CustomerAccount.objects.filter(with_entries)
    if area_codes is not None:
        accounts = accounts.filter(premises__area__code__in=area_codes)
    return list(accounts.values_list("pk", flat=True).distinct())


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class AreaFigures:
    code: str
    name: str
    accounts: int = 0
    in_arrears: int = 0
    billed: Decimal = ZERO
    fees: Decimal = ZERO
    paid: Decimal = ZERO
    arrears: Decimal = ZERO
    aging: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(BUCKETS, ZERO))
    # Billing month → [billed in that month's bills, still unpaid of them].
    months: dict[date, list[Decimal]] = field(default_factory=dict)

    @property
    def balance(self) -> Decimal:
        return self.billed + self.fees - self.paid

    def add(self, position: ledger.Position, months: list[date]) -> None:
        self.accounts += 1
        self.billed += position.billed
        self.fees += position.fees
        self.paid += position.paid
        self.arrears += position.arrears
        if position.arrears > 0:
            self.in_arrears += 1
        for bucket, amount in position.aging.items():
            self.aging[bucket] += amount
        for month in months:
            entry = self.months.setdefault(month, [ZERO, ZERO])
            entry[1] += position.unpaid_by_period.get(month, ZERO)


def figures_by_area(as_of: date, months: list[date], area_codes: set[str] | None = None) -> list[AreaFigures]:
    """Ledger positions summed per area as of a day, with what was billed and is unpaid of the given months."""
    account_ids = ledger_accounts(as_of, area_codes)
    areas = account_areas(account_ids)
    by_area: dict[str, AreaFigures] = {}
    for start in range(0, len(account_ids), 1000):
        chunk = account_ids[start:start + 1000]
        charges, paid = ledger.charges_for(chunk, as_of)
        for account_id in chunk:
            billed_by_month: dict[date, Decimal] = {}
            for charge in charges[account_id]:
                if charge.kind == "bill" and charge.period in months:
                    billed_by_month[charge.period] = billed_by_month.get(charge.period, ZERO) + charge.amount
            position = ledger.settle(charges[account_id], paid[account_id], as_of)
            code, name = areas.get(account_id, (NO_AREA, _("No area")))
            figures = by_area.setdefault(code, AreaFigures(code=code, name=name))
            figures.add(position, months)
            for month, amount in billed_by_month.items():
                figures.months[month][0] += amount
    return [by_area[code] for code in sorted(by_area)]


def total_of(rows: list[AreaFigures]) -> AreaFigures:
    total = AreaFigures(code="", name=_("Total"))
    for row in rows:
        total.accounts += row.accounts
        total.in_arrears += row.in_arrears
        total.billed += row.billed
        total.fees += row.fees
        total.paid += row.paid
        total.arrears += row.arrears
        for bucket in BUCKETS:
            total.aging[bucket] += row.aging[bucket]
        for month, (billed, unpaid) in row.months.items():
            entry = total.months.setdefault(month, [ZERO, ZERO])
            entry[0] += billed
            entry[1] += unpaid
    return total


def _rate_rows(rows: list[AreaFigures], months: list[date], goal: dict[int, Decimal]) -> list[dict]:
    out = []
    for row in rows:
        for back, month in enumerate(months):
            billed, unpaid = row.months.get(month, [ZERO, ZERO])
            rate = percent(billed - unpaid, billed)
            target = goal.get(back)
            out.append({"area": row.code, "area_name": row.name, "month": month.strftime("%Y-%m"),
                        "billed": billed, "collected": billed - unpaid, "rate": rate, "target": target,
                        "met": None if rate is None or target is None else rate >= target})
    return out


def collection_rate(*, as_of: date, area_codes: set[str] | None = None) -> dict:
    """Collection rate of this month's, last month's and the month before's bills per area, against targets."""
    goal = targets()
    this_month = month_start(as_of)
    months = [add_months(this_month, -back) for back in range(max(goal) + 1)]
    rows = figures_by_area(as_of, months, area_codes)
    return {"as_of": as_of, "rows": _rate_rows(rows, months, goal),
            "total": _rate_rows([total_of(rows)], months, goal)}


def aging(*, as_of: date, area_codes: set[str] | None = None) -> dict:
    rows = figures_by_area(as_of, [], area_codes)
    total = total_of(rows)

    def line(row: AreaFigures) -> dict:
        return {"area": row.code, "area_name": row.name, "accounts_in_arrears": row.in_arrears,
                **row.aging, "total": row.arrears}

    return {"as_of": as_of, "rows": [line(row) for row in rows], "total": line(total)}


def monthly(month: date) -> dict:
    """Everything the monthly arrears report shows, as of the report day of the month."""
    as_of = report_day(month_start(month))
    goal = targets()
    months = [add_months(month_start(month), -back) for back in range(max(goal) + 1)]
    rows = figures_by_area(as_of, months)
    total = total_of(rows)
    moment = ledger.end_of(as_of)
    steps = dict(DunningCase.objects.exclude(step="none").values("step").annotate(n=Count("pk"))
                 .values_list("step", "n"))
    paid_in_month = Payment.objects.filter(
        paid_at__gt=ledger.end_of(months[0] - timedelta(days=1)), paid_at__lte=moment).aggregate(
        total=Sum("amount"))["total"] or ZERO
    return {
        "month": month_start(month), "as_of": as_of, "areas": rows, "total": total, "months": months,
        "rates": _rate_rows(rows, months, goal), "total_rates": _rate_rows([total], months, goal),
        "billed_in_month": sum((row.months.get(months[0], [ZERO])[0] for row in rows), ZERO),
        "paid_in_month": paid_in_month,
        "suspended": DunningCase.objects.filter(supply_suspended=True).count(),
        "steps": steps,
    }


def money(value: Decimal | None) -> str:
    return "" if value is None else f"{value:,.2f}"


def monthly_pdf(month: date) -> bytes:
    data = monthly(month)
    return render_pdf("arrears/monthly_report.html", {**data, "buckets": BUCKETS})


def monthly_xlsx(month: date) -> bytes:
    data = monthly(month)
    areas = data["areas"] + [data["total"]]
    summary = Sheet(_("Ledger"), [_("Area"), _("Accounts"), _("In arrears"), _("Billed"), _("Late fees"), _("Paid"),
                                  _("Balance"), pgettext("amount", "Arrears")],
                    [[row.code or row.name, row.accounts, row.in_arrears, row.billed, row.fees, row.paid,
                      row.balance, row.arrears] for row in areas])
    aging_sheet = Sheet(_("Aging"), [_("Area"), _("0–30 days"), _("31–60 days"), _("61–90 days"),
                                     _("Over 90 days"), _("Total")],
                        [[row.code or row.name, *(row.aging[bucket] for bucket in BUCKETS), row.arrears]
                         for row in areas])
    rates = Sheet(_("Collection rate"), [_("Area"), _("Billing month"), _("Billed"), _("Collected"),
                                         _("Rate (%)"), _("Target (%)"), _("Target met")],
                  [[row["area"] or _("Total"), row["month"], row["billed"], row["collected"], row["rate"],
                    row["target"], row["met"]] for row in data["rates"] + data["total_rates"]])
    return render_xlsx([summary, aging_sheet, rates])


def monthly_store(month: date) -> MonthlyReport:
    """Produce the month's report and keep it (again on a second call: the figures as of the report day)."""
    from django.core.files.base import ContentFile

    month = month_start(month)
    report, _created = MonthlyReport.objects.get_or_create(month=month, defaults={"as_of": report_day(month)})
    report.as_of = report_day(month)
    report.pdf.save(f"arrears-{month:%Y-%m}.pdf", ContentFile(monthly_pdf(month)), save=False)
    report.xlsx.save(f"arrears-{month:%Y-%m}.xlsx", ContentFile(monthly_xlsx(month)), save=False)
    report.save()
    return report


def notice_pdf(account: CustomerAccount, kind: str) -> bytes:
    """The written notice, or the suspension notice (with the earliest suspension day under the policy)."""
    from datetime import timedelta as days

    from .policy import policy_for

    position = ledger.position(account.pk)
    suspension_on = None
    title = _("Written notice of gas arrears")
    if kind == "suspension":
        title = _("Notice of gas supply suspension")
        suspension_on = position.as_of + days(days=policy_for(account.customer_class).suspension_after_days)
    return render_pdf("arrears/notice.html", {
        "title": title, "account": account, "position": position, "suspension_on": suspension_on,
        "premises_list": Premises.objects.filter(account=account, is_active=True).order_by("premises_no")})
