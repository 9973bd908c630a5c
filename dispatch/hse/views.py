"""The safety officer's pages: the register with filters and its heat map, what needs attention, exports.

Server-rendered, charts as inline SVG (no outside host). Reads through `selectors`; nothing here writes.
Safety officers, department heads and administrators; anyone else gets 403.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as N_

from dispatch.common.audit import record_event
from dispatch.common.documents import XLSX_CONTENT_TYPE, Sheet, render_pdf, render_xlsx
from dispatch.common.errors import DispatchError
from dispatch.org.selectors import area_list, office_list

from . import selectors
from .filters import HazardFilter
from .forms import HazardForm
from .models import MATRIX_BAND_ORDER, Hazard, RiskBand
from .risk import risk_config
from .services import register as register_services

EXPORT_LIMIT = 5000
BAND_COLOURS = {"low": "#cfe8d5", "general": "#fff2b3", "medium": "#ffd27a", "significant": "#ffb366",
                "high": "#f07a6a", "extreme": "#b3261e"}
# Heat-map geometry (SVG user units).
CELL, LEFT, TOP = 64, 70, 16


def hse_access(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_use_hse(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@dataclass
class SvgCell:
    x: int
    y: int
    cx: int
    cy: int
    likelihood: int
    severity: int
    count: int
    band: str
    colour: str
    label: str


@dataclass
class SvgBar:
    y: int
    width: int
    count: int
    band: str
    label: str
    colour: str


def heatmap_cells(hazards) -> list[SvgCell]:
    cells = []
    for cell in selectors.matrix_heatmap(hazards):
        x, y = LEFT + (cell.severity - 1) * CELL, TOP + (5 - cell.likelihood) * CELL
        cells.append(SvgCell(x=x, y=y, cx=x + CELL // 2, cy=y + CELL // 2 + 6,
                             likelihood=cell.likelihood, severity=cell.severity, count=cell.count, band=cell.band,
                             colour=BAND_COLOURS[cell.band], label=str(RiskBand(cell.band).label)))
    return cells


def lec_bars(hazards, width: int = 300) -> list[SvgBar]:
    bars = selectors.lec_band_counts(hazards)
    peak = max((bar.count for bar in bars), default=0) or 1
    return [SvgBar(y=TOP + index * 36, width=max(2, round(bar.count / peak * width)) if bar.count else 0,
                   count=bar.count, band=bar.band, label=bar.label, colour=BAND_COLOURS[bar.band])
            for index, bar in enumerate(bars)]


def _filtered(request):
    hazards = selectors.hazard_list(user=request.user)
    filters = HazardFilter(request.GET, queryset=hazards)
    filters.form.fields["register"].queryset = selectors.register_list(user=request.user)
    filters.form.fields["office"].queryset = office_list(user=request.user)
    filters.form.fields["area"].queryset = area_list(user=request.user)
    queryset = filters.qs if filters.is_valid() else hazards.none()
    return filters, queryset.order_by("number")


@hse_access
def register(request):
    filters, hazards = _filtered(request)
    config = risk_config()
    matrix_edges = {band: edge for band, edge in config.matrix_bands}
    context = {
        "filters": filters,
        "hazards": hazards[:500],
        "total": hazards.count(),
        "cells": heatmap_cells(hazards),
        "bars": lec_bars(hazards),
        "svg": {"cell": CELL, "left": LEFT, "top": TOP, "width": LEFT + 5 * CELL + 20, "height": TOP + 5 * CELL + 52,
                "y_ticks": [(n, TOP + (5 - n) * CELL + CELL // 2 + 4) for n in range(5, 0, -1)],
                "x_ticks": [(n, LEFT + (n - 1) * CELL + CELL // 2) for n in range(1, 6)],
                "x_tick_y": TOP + 5 * CELL + 18, "x_label_y": TOP + 5 * CELL + 40, "x_mid": LEFT + 5 * CELL // 2,
                "y_mid": TOP + 5 * CELL // 2, "lec_width": 470, "lec_height": TOP + 5 * 36},
        "legend": [(band, RiskBand(band).label, BAND_COLOURS[band]) for band in MATRIX_BAND_ORDER],
        "matrix_edges": matrix_edges,
        "lec_edges": config.lec_bands,
        "query": request.GET.urlencode(),
    }
    return render(request, "hse/register.html", context)


@hse_access
def attention(request):
    today = timezone.localdate()
    context = {
        "significant": selectors.significant_without_controls(user=request.user)[:200],
        "overdue": selectors.overdue_actions(user=request.user, today=today)[:200],
        "training": selectors.expiring_training(user=request.user, today=today)[:200],
        "checklists": selectors.checklists_due(user=request.user, today=today)[:200],
        "open_ncs": selectors.nonconformity_list(user=request.user).exclude(
            status__in=["done", "cancelled"]).order_by("created_at")[:200],
        "today": today,
        "soon": today + timedelta(days=risk_config().training_warning_days),
    }
    return render(request, "hse/attention.html", context)


def _save_hazard(request, form: HazardForm, hazard: Hazard | None):
    """Hand the form to the register services; their refusals come back as form errors."""
    data = dict(form.cleaned_data)
    reason = data.pop("reason")
    try:
        if hazard is None:
            register = data.pop("register")
            return register_services.hazard_create(actor=request.user, register=register, reason=reason, **data)
        return register_services.hazard_update(actor=request.user, hazard_id=hazard.pk, reason=reason, changes=data,
                                               expected_version=hazard.version)
    except DispatchError as exc:
        for field, messages in (exc.fields or {"__all__": [exc.message]}).items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return None


@hse_access
def hazard_new(request):
    registers = selectors.register_list(user=request.user).filter(is_active=True)
    form = HazardForm(request.POST or None, registers=registers)
    if request.method == "POST" and form.is_valid():
        hazard = _save_hazard(request, form, None)
        if hazard is not None:
            return redirect("hse-hazard", pk=hazard.pk)
    return render(request, "hse/hazard_form.html", {"form": form, "hazard": None})


@hse_access
def hazard_edit(request, pk: int):
    hazard = selectors.hazard_get(user=request.user, hazard_id=pk)
    if hazard is None:
        raise Http404
    registers = selectors.register_list(user=request.user)
    form = HazardForm(request.POST or None, instance=hazard, registers=registers)
    if request.method == "POST" and form.is_valid():
        saved = _save_hazard(request, form, hazard)
        if saved is not None:
            return redirect("hse-hazard", pk=saved.pk)
    return render(request, "hse/hazard_form.html", {"form": form, "hazard": hazard})


@hse_access
def hazard_detail(request, pk: int):
    hazard = selectors.hazard_get(user=request.user, hazard_id=pk)
    if hazard is None:
        raise Http404
    return render(request, "hse/hazard_detail.html", {
        "hazard": hazard, "controls": hazard.controls.select_related("owner"),
        "revisions": hazard.revisions.select_related("actor").order_by("-version", "-id"),
        "nonconformities": hazard.nonconformities.all()})


def _rows(hazards):
    for hazard in hazards:
        yield [hazard.number, hazard.register.name, hazard.get_kind_display(), hazard.activity, hazard.description,
               hazard.get_category_display(), hazard.origin, str(hazard.office or ""), str(hazard.area or ""),
               hazard.responsible.get_full_name() or hazard.responsible.username,
               _("routine") if hazard.routine else _("non-routine"), hazard.analysis_date,
               hazard.register.get_method_display(), hazard.lec_l, hazard.lec_e, hazard.lec_c, hazard.likelihood,
               hazard.severity, hazard.score, hazard.get_band_display(), _("yes") if hazard.significant else "",
               "; ".join(f"{control.get_control_type_display()}: {control.description} ({control.owner.username}, "
                         f"{control.get_status_display()})" for control in hazard.controls.all()),
               hazard.residual_score, hazard.get_residual_band_display(),
               "" if hazard.acceptable is None else (_("yes") if hazard.acceptable else _("no")),
               hazard.acceptability_justification, hazard.review_date, hazard.version]


EXPORT_HEADER = [
    N_("Number"), N_("Register"), N_("Kind"), N_("Activity or place"), N_("Hazard / aspect"), N_("Type"),
    N_("Origin"), N_("Office"), N_("Area"), N_("Responsible"), N_("Routine"), N_("Analysis date"), N_("Method"),
    "L", "E", "C", N_("Likelihood"), N_("Severity"), N_("Score"), N_("Band"), N_("Significant"), N_("Controls"),
    N_("Residual score"), N_("Residual band"), N_("Acceptable"), N_("Justification"), N_("Review date"),
    N_("Version")]


def _export_queryset(request):
    _filters, hazards = _filtered(request)
    return hazards.select_related("register", "responsible", "office", "area").prefetch_related(
        "controls__owner")[:EXPORT_LIMIT]


@hse_access
def export_xlsx(request):
    hazards = list(_export_queryset(request))
    header = [str(title) for title in EXPORT_HEADER]
    content = render_xlsx([Sheet(title=_("Hazard register"), header=header, rows=_rows(hazards),
                                 widths={4: 30, 5: 40, 22: 50, 26: 40})])
    record_event(actor=request.user, action="export", reason=f"HSE register XLSX, {len(hazards)} rows")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="hse-register-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


@hse_access
def export_pdf(request):
    hazards = list(_export_queryset(request))
    content = render_pdf("hse/register_pdf.html", {"hazards": hazards, "generated": timezone.localtime(),
                                                   "user": request.user}, request=request)
    record_event(actor=request.user, action="export", reason=f"HSE register PDF, {len(hazards)} rows")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="hse-register-{timezone.localdate():%Y%m%d}.pdf"'
    return response
