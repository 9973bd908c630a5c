"""Writes of the metrology lab: standards, profiles, test sessions, batches, bench CSV import.

Every refusal is a DispatchError with a stable code; every write is audited. The meter's status follows the lab:
a test starts → in the lab; it passes → in stock; it fails → scrapped (or scrapped as returned to the maker).
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AuditEvent
from dispatch.common.roles import Role, has_role

from .. import services as meter_services
from ..models import Meter, MeterStatus
from . import calc
from .models import (
    FailedDisposition,
    LabBatch,
    LimitsBasis,
    ReferenceStandard,
    RegulationProfile,
    TestPurpose,
    TestStatus,
    VerificationTest,
    VerificationTestPoint,
)

DEFAULT_PROFILE = "JJG577-2012"
PROFILE_FIELDS = ["name", "test_points", "mpe", "in_service_factor", "error_resolution", "temp_small_min",
                  "temp_small_max", "temp_large_min", "temp_large_max", "small_meter_qmax", "pressure_min",
                  "pressure_max", "humidity_min", "humidity_max", "conditioning_hours", "max_standard_meter_delta",
                  "validity_years", "procedure"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def require_lab(actor) -> None:
    if actor is not None and not has_role(actor, Role.LAB, Role.ADMIN):
        raise DispatchError("not_lab_staff", _("Only metrology lab staff may do this."), status_code=403)


def _dec(value: Any, name: str) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise DispatchError("invalid", _("Not a number."), fields={name: [_("Give a number.")]}) from None
    if not result.is_finite():
        raise DispatchError("invalid", _("Not a number."), fields={name: [_("Give a number.")]})
    return result


# Reference standards ---------------------------------------------------------------------------------------

def standard_check(standard: ReferenceStandard, *, on: date, flows: list[Decimal] = ()) -> None:
    """A test with a standard out of calibration (or not yet calibrated, or out of range) is refused."""
    if not standard.active:
        raise DispatchError("standard_inactive", _("This reference standard is not in use."),
                            fields={"standard": [_("This reference standard is not in use.")]})
    if on > standard.calibration_valid_until or on < standard.calibrated_on:
        raise DispatchError("standard_calibration_expired",
                            _("The calibration of %(name)s (certificate %(no)s) is valid until %(until)s.")
                            % {"name": standard.name, "no": standard.calibration_certificate_no,
                               "until": standard.calibration_valid_until},
                            fields={"standard": [_("Its calibration has expired.")]})
    for flow in flows:
        if not standard.range_min <= flow <= standard.range_max:
            raise DispatchError("flow_outside_standard_range",
                                _("%(flow)s m³/h is outside the range of %(name)s.")
                                % {"flow": flow, "name": standard.name},
                                fields={"standard": [_("The flow is outside this standard's range.")]})


# Regulation profiles ---------------------------------------------------------------------------------------

def profile_current(code: str = DEFAULT_PROFILE) -> RegulationProfile:
    profile = RegulationProfile.objects.filter(code=code, current=True).first()
    if profile is None:
        raise DispatchError("unknown_profile", _("No such regulation profile."),
                            fields={"profile": [_("No such regulation profile.")]})
    return profile


def _validate_profile(fields: dict) -> None:
    errors = {}
    points = fields.get("test_points")
    if not isinstance(points, list) or not points or not all(
            isinstance(p, dict) and p.get("code") and p.get("basis") in {"qmin", "qt", "qmax"} and "factor" in p
            for p in points):
        errors["test_points"] = [_("Give a list of {code, basis: qmin|qt|qmax, factor}.")]
    elif len({p["code"] for p in points}) != len(points):
        errors["test_points"] = [_("Test point codes must differ.")]
    mpe = fields.get("mpe")
    if not isinstance(mpe, dict) or not mpe:
        errors["mpe"] = [_("Give the limits per accuracy class.")]
    else:
        try:
            for limits in mpe.values():
                assert Decimal(str(limits["low"])) > 0 and Decimal(str(limits["high"])) > 0
                if limits.get("same_sign") is not None:
                    assert Decimal(str(limits["same_sign"])) > 0
        except (AssertionError, KeyError, TypeError, InvalidOperation):
            errors["mpe"] = [_("Each class needs positive “low” and “high” limits.")]
    if errors:
        raise DispatchError("invalid", _("The profile is not valid."), fields=errors)


@transaction.atomic
def profile_save(*, actor, code: str, **fields: Any) -> RegulationProfile:
    """Create a profile or change it. A version already used by a test is never changed: the change becomes a
    new version (current), and the tests keep pointing at the version they were judged by."""
    current = RegulationProfile.objects.select_for_update().filter(code=code, current=True).first()
    merged = {name: getattr(current, name) for name in PROFILE_FIELDS} if current else {}
    merged.update({name: value for name, value in fields.items() if name in PROFILE_FIELDS})
    _validate_profile(merged)
    if current is not None and not current.tests.exists():
        for name, value in merged.items():
            setattr(current, name, value)
        current.save()
        record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=current, changes=fields)
        return current
    version = 1
    if current is not None:
        version = current.version + 1
        current.current = False
        current.save(update_fields=["current", "updated_at"])
    profile = RegulationProfile.objects.create(code=code, version=version, current=True, **merged)
    record_event(actor=_user(actor), action=AuditEvent.Action.CREATE, instance=profile,
                 changes={"version": version, **fields})
    return profile


def profile_limits(profile: RegulationProfile, accuracy_class: str) -> calc.Limits:
    row = profile.mpe.get(str(accuracy_class))
    if row is None:
        raise DispatchError("class_not_in_profile",
                            _("The profile %(profile)s has no limits for class %(cls)s.")
                            % {"profile": profile, "cls": accuracy_class})
    same = row.get("same_sign")
    return calc.Limits(Decimal(str(row["low"])), Decimal(str(row["high"])),
                       None if same in (None, "") else Decimal(str(same)))


def planned_points(profile: RegulationProfile, meter: Meter) -> list[tuple[str, Decimal]]:
    """The profile's test points for this meter's size: (code, flow in m³/h), lowest flow first."""
    size = meter.size
    basis = {"qmin": size.qmin, "qt": size.qt, "qmax": size.qmax}
    points = [(p["code"], (basis[p["basis"]] * Decimal(str(p["factor"]))).quantize(Decimal("0.001")))
              for p in profile.test_points]
    return sorted(points, key=lambda item: item[1])


# Test sessions ---------------------------------------------------------------------------------------------

def _record_no(test: VerificationTest) -> str:
    return f"JL{test.tested_on:%Y}-{test.pk:06d}"


@transaction.atomic
def test_start(*, actor, meter: Meter, standard: ReferenceStandard, profile: RegulationProfile | None = None,
               purpose: str = TestPurpose.INITIAL, limits: str | None = None, tested_on: date | None = None,
               batch: LabBatch | None = None, customer_name: str = "", customer_address: str = "",
               complaint_ref: str = "", complaint_on: date | None = None, location: str = "") -> VerificationTest:
    """Open the test session of a meter; the meter goes into the lab."""
    require_lab(actor)
    profile = profile or profile_current()
    if not profile.current:
        raise DispatchError("profile_not_current", _("Test with the current version of the profile."),
                            fields={"profile": [_("This version has been replaced.")]})
    tested_on = tested_on or timezone.localdate()
    meter = Meter.objects.select_for_update().select_related("size").get(pk=meter.pk)
    profile_limits(profile, meter.accuracy_class)
    standard_check(standard, on=tested_on, flows=[flow for _code, flow in planned_points(profile, meter)])
    if purpose == TestPurpose.COMPLAINT and not customer_name:
        installation = meter.installations.select_related("premises__account").first()
        if installation is not None:
            customer_name = installation.premises.account.name
            customer_address = installation.premises.address
    if limits is None:
        limits = LimitsBasis.INITIAL if purpose == TestPurpose.INITIAL else LimitsBasis.IN_SERVICE
    if meter.status != MeterStatus.IN_LAB:
        meter_services.meter_transition(meter_id=meter.pk, to_status=MeterStatus.IN_LAB, actor=actor,
                                        reason=_("Lab test"))
    try:
        with transaction.atomic():
            test = VerificationTest.objects.create(
                record_no=f"TMP-{meter.pk}-{timezone.now().timestamp()}", meter=meter, profile=profile,
                standard=standard, batch=batch, purpose=purpose, limits=limits, tested_on=tested_on,
                customer_name=customer_name, customer_address=customer_address, complaint_ref=complaint_ref,
                complaint_on=complaint_on, location=location, tested_by=_user(actor))
    except IntegrityError:
        raise Conflict("test_already_open", _("This meter already has an open test.")) from None
    test.record_no = _record_no(test)
    test.save(update_fields=["record_no"])
    record_event(actor=_user(actor), action=AuditEvent.Action.CREATE, instance=test,
                 changes={"meter": meter.serial, "profile": str(profile), "standard": standard.serial,
                          "purpose": purpose, "limits": limits})
    return test


def _open(test: VerificationTest) -> VerificationTest:
    locked = VerificationTest.objects.select_for_update().select_related(
        "meter__size", "profile", "standard").get(pk=test.pk)
    if locked.status != TestStatus.OPEN:
        raise Conflict("test_completed", _("This test is completed and can no longer change."))
    return locked


def reference_temperature_range(profile: RegulationProfile, meter: Meter) -> tuple[Decimal, Decimal]:
    if meter.size.qmax <= profile.small_meter_qmax:
        return profile.temp_small_min, profile.temp_small_max
    return profile.temp_large_min, profile.temp_large_max


@transaction.atomic
def environment_record(*, actor, test: VerificationTest, ambient_temp_c, ambient_pressure_kpa, humidity_pct,
                       conditioning_hours, location: str | None = None) -> VerificationTest:
    """The lab's conditions; refused (code outside_reference_conditions) outside the profile's reference
    conditions, field by field."""
    require_lab(actor)
    test = _open(test)
    profile = test.profile
    values = {"ambient_temp_c": _dec(ambient_temp_c, "ambient_temp_c"),
              "ambient_pressure_kpa": _dec(ambient_pressure_kpa, "ambient_pressure_kpa"),
              "humidity_pct": _dec(humidity_pct, "humidity_pct"),
              "conditioning_hours": _dec(conditioning_hours, "conditioning_hours")}
    t_min, t_max = reference_temperature_range(profile, test.meter)
    errors = {}
    if not t_min <= values["ambient_temp_c"] <= t_max:
        errors["ambient_temp_c"] = [_("Outside %(a)s–%(b)s °C.") % {"a": t_min, "b": t_max}]
    if not profile.pressure_min <= values["ambient_pressure_kpa"] <= profile.pressure_max:
        errors["ambient_pressure_kpa"] = [_("Outside %(a)s–%(b)s kPa.")
                                          % {"a": profile.pressure_min, "b": profile.pressure_max}]
    if not profile.humidity_min <= values["humidity_pct"] <= profile.humidity_max:
        errors["humidity_pct"] = [_("Outside %(a)s–%(b)s %% RH.")
                                  % {"a": profile.humidity_min, "b": profile.humidity_max}]
    if values["conditioning_hours"] < profile.conditioning_hours:
        errors["conditioning_hours"] = [_("The meter must be conditioned for at least %(h)s h.")
                                        % {"h": profile.conditioning_hours}]
    if errors:
        raise DispatchError("outside_reference_conditions",
                            _("The conditions are outside the reference conditions of %(profile)s.")
                            % {"profile": profile}, fields=errors)
    for name, value in values.items():
        setattr(test, name, value)
    if location is not None:
        test.location = location
    test.save()
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=test, changes=values)
    return test


POINT_INPUTS = ["v_ref", "v_meter", "t_ref_c", "p_ref_kpa", "t_meter_c", "p_meter_kpa"]


@transaction.atomic
def point_record(*, actor, test: VerificationTest, code: str, **readings: Any) -> VerificationTestPoint:
    """One test point: the standard's and the meter's volumes, temperatures and absolute pressures. The error is
    computed here (calc.py); recording a point again replaces it while the test is open."""
    require_lab(actor)
    test = _open(test)
    planned = dict(planned_points(test.profile, test.meter))
    if code not in planned:
        raise DispatchError("unknown_test_point", _("%(code)s is not a test point of %(profile)s.")
                            % {"code": code, "profile": test.profile},
                            fields={"code": [_("Not a test point of this profile.")]})
    values = {name: _dec(readings.get(name), name) for name in POINT_INPUTS}
    errors = {}
    for name in ("v_ref", "v_meter", "p_ref_kpa", "p_meter_kpa"):
        if values[name] <= 0:
            errors[name] = [_("Must be above zero.")]
    if abs(values["t_ref_c"] - values["t_meter_c"]) > test.profile.max_standard_meter_delta:
        errors["t_meter_c"] = [_("The standard and the meter differ by more than %(d)s °C.")
                               % {"d": test.profile.max_standard_meter_delta}]
    if errors:
        raise DispatchError("invalid", _("The test point is not valid."), fields=errors)
    standard_check(test.standard, on=test.tested_on, flows=[planned[code]])
    v_corr = calc.corrected_reference_volume(values["v_ref"], t_ref_c=values["t_ref_c"],
                                             p_ref_kpa=values["p_ref_kpa"], t_meter_c=values["t_meter_c"],
                                             p_meter_kpa=values["p_meter_kpa"])
    error = calc.error_percent(values["v_meter"], v_corr)
    point, _created = VerificationTestPoint.objects.update_or_create(
        test=test, code=code,
        defaults={**values, "flow": planned[code], "v_ref_corrected": v_corr.quantize(Decimal("0.000001")),
                  "error": error.quantize(Decimal("0.00000001")),
                  "error_rounded": calc.round_error(error, test.profile.error_resolution),
                  "mpe": None, "passed": None})
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=test,
                 changes={"point": code, **values, "error": str(point.error)})
    return point


def judge_test(test: VerificationTest) -> calc.Verdict:
    """The verdict of a test's recorded points under its profile version and limits (no writes)."""
    limits = profile_limits(test.profile, test.meter.accuracy_class)
    factor = test.profile.in_service_factor if test.limits == LimitsBasis.IN_SERVICE else None
    points = [calc.PointInput(p.code, p.flow, p.error) for p in test.points.all()]
    return calc.judge(points, limits=limits, qt=test.meter.size.qt, in_service_factor=factor,
                      resolution=test.profile.error_resolution)


@transaction.atomic
def test_complete(*, actor, test: VerificationTest,
                  failed_disposition: str = FailedDisposition.SCRAP) -> VerificationTest:
    """Judge the test and move the meter: passed → in stock, failed → scrapped (or returned to the maker)."""
    require_lab(actor)
    test = _open(test)
    missing = {}
    if test.ambient_temp_c is None:
        missing["environment"] = [_("Record the environment first.")]
    planned = {code for code, _flow in planned_points(test.profile, test.meter)}
    recorded = set(test.points.values_list("code", flat=True))
    if planned - recorded:
        missing["points"] = [_("Missing test points: %(codes)s") % {"codes": ", ".join(sorted(planned - recorded))}]
    if missing:
        raise DispatchError("test_incomplete", _("The test is not complete."), fields=missing)
    if failed_disposition not in FailedDisposition.values:
        raise DispatchError("invalid", _("Unknown disposition."), fields={"failed_disposition": [_("Unknown.")]})
    standard_check(test.standard, on=test.tested_on)
    verdict = judge_test(test)
    by_code = {result.code: result for result in verdict.points}
    for point in test.points.all():
        result = by_code[point.code]
        point.mpe, point.passed = result.mpe, result.passed
        point.save(update_fields=["mpe", "passed"])
    test.passed, test.same_sign_applied = verdict.passed, verdict.same_sign_applied
    test.status, test.completed_at = TestStatus.COMPLETED, timezone.now()
    test.failed_disposition = "" if verdict.passed else failed_disposition
    test.save()
    if verdict.passed:
        meter_services.meter_transition(meter_id=test.meter_id, to_status=MeterStatus.IN_STOCK, actor=actor,
                                        reason=_("Passed lab test %(no)s") % {"no": test.record_no})
    else:
        reason = (_("Failed lab test %(no)s: returned to the maker") if failed_disposition ==
                  FailedDisposition.RETURN_TO_MAKER else _("Failed lab test %(no)s")) % {"no": test.record_no}
        meter_services.meter_transition(meter_id=test.meter_id, to_status=MeterStatus.SCRAPPED, actor=actor,
                                        reason=reason)
    record_event(actor=_user(actor), action=AuditEvent.Action.UPDATE, instance=test,
                 changes={"passed": verdict.passed, "same_sign_applied": verdict.same_sign_applied,
                          "reasons": verdict.reasons, "disposition": test.failed_disposition})
    return test


# Batches and the bench's CSV -------------------------------------------------------------------------------

@transaction.atomic
def batch_create(*, actor, number: str, received_on: date, serials: list[str], standard: ReferenceStandard,
                 profile: RegulationProfile | None = None, manufacturer: str = "", delivery_ref: str = "",
                 tested_on: date | None = None) -> LabBatch:
    """A delivery of new meters for pre-installation testing: one open initial-verification test per meter."""
    require_lab(actor)
    if LabBatch.objects.filter(number=number).exists():
        raise Conflict("duplicate_batch", _("A batch with this number exists."),
                       fields={"number": [_("A batch with this number exists.")]})
    meters = {meter.serial: meter for meter in Meter.objects.filter(serial__in=serials)}
    unknown = sorted(set(serials) - set(meters))
    if unknown:
        message = _("Unknown meters: %(serials)s") % {"serials": ", ".join(unknown[:20])}
        raise DispatchError("unknown_meter", message, fields={"serials": [message]})
    batch = LabBatch.objects.create(number=number, received_on=received_on, manufacturer=manufacturer,
                                    delivery_ref=delivery_ref, created_by=_user(actor))
    for serial in serials:
        test_start(actor=actor, meter=meters[serial], standard=standard, profile=profile, batch=batch,
                   tested_on=tested_on, purpose=TestPurpose.INITIAL)
    record_event(actor=_user(actor), action=AuditEvent.Action.CREATE, instance=batch,
                 changes={"meters": len(serials)})
    return batch


@dataclass
class ImportReport:
    recorded: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"recorded": self.recorded, "errors": self.errors}


CSV_COLUMNS = ["serial", "point", "v_ref", "v_meter", "t_ref", "p_ref", "t_meter", "p_meter"]


def points_import_csv(*, actor, text: str, test: VerificationTest | None = None,
                      batch: LabBatch | None = None) -> ImportReport:
    """The test bench's CSV export: serial,point,v_ref,v_meter,t_ref,p_ref,t_meter,p_meter (volumes m³,
    temperatures °C, absolute pressures kPa). Rows go to the open test of their serial (within the batch, or the
    given test); each bad row is reported with its line and the good ones are kept."""
    require_lab(actor)
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    needed = set(CSV_COLUMNS) - {"serial"} if test is not None else set(CSV_COLUMNS)
    if not needed <= set(header):
        raise DispatchError("bad_header", _("The CSV needs the columns %(cols)s.")
                            % {"cols": ", ".join(CSV_COLUMNS)}, fields={"file": [_("Missing columns.")]})
    reader.fieldnames = header
    open_tests = VerificationTest.objects.filter(status=TestStatus.OPEN).select_related("meter")
    if batch is not None:
        open_tests = open_tests.filter(batch=batch)
    by_serial = {t.meter.serial: t for t in open_tests} if test is None else {}
    for line, row in enumerate(reader, start=2):
        serial = (row.get("serial") or "").strip()
        target = test if test is not None else by_serial.get(serial)
        if test is not None and serial and serial != test.meter.serial:
            target = None
        if target is None:
            report.errors.append({"line": line, "code": "no_open_test",
                                  "message": _("No open test for meter %(serial)s.") % {"serial": serial}})
            continue
        try:
            with transaction.atomic():
                point_record(actor=actor, test=target, code=(row.get("point") or "").strip(),
                             v_ref=row.get("v_ref"), v_meter=row.get("v_meter"), t_ref_c=row.get("t_ref"),
                             p_ref_kpa=row.get("p_ref"), t_meter_c=row.get("t_meter"),
                             p_meter_kpa=row.get("p_meter"))
        except DispatchError as error:
            report.errors.append({"line": line, "code": error.code, "message": error.message,
                                  "fields": error.fields})
            continue
        report.recorded += 1
    return report
