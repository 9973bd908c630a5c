"""The metrology arithmetic, in Decimal only, with no database: errors, limits and verdicts.

Error of indication (DOMAIN.md "Gas meters")::

    V_ref_corr = V_ref × (p_ref / p_meter) × (T_meter / T_ref)        p absolute in kPa, T in K (°C + 273.15)
    E          = (V_meter − V_ref_corr) / V_ref_corr × 100 %

The reference volume is measured at the standard's temperature and pressure; the same mass of gas occupies
V_ref × (p_ref/p_meter) × (T_meter/T_ref) at the meter (ideal gas, air near ambient), which is what the meter
should have shown.

Decision rule (printed on every certificate): *simple acceptance* (ISO 14253-1:2017 / ILAC-G8:09/2019 §4.2.1,
no guard band). The error is rounded half away from zero to the profile's resolution (0.01 % by default) and the
rounded value — the one printed — is compared with the MPE: |E_rounded| ≤ MPE passes, so an error exactly at the
MPE passes and one a resolution step over fails. The uncertainty of the test is stated, not subtracted.

Limits: below qt the "low" MPE, from qt to qmax the "high" MPE. Class 1.0 same-sign rule: when all errors at the
points from qt to qmax have the same sign (a zero error counts as either sign, the stricter reading), none may
exceed the same-sign limit (0.5 %). In-service checks multiply every limit by the profile's in-service factor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

KELVIN = Decimal("273.15")
HUNDRED = Decimal("100")
DEFAULT_RESOLUTION = Decimal("0.01")


def corrected_reference_volume(v_ref: Decimal, *, t_ref_c: Decimal, p_ref_kpa: Decimal, t_meter_c: Decimal,
                               p_meter_kpa: Decimal) -> Decimal:
    """V_ref brought to the meter's temperature and pressure (absolute kPa, °C converted to K)."""
    v_ref, p_ref, p_meter = Decimal(v_ref), Decimal(p_ref_kpa), Decimal(p_meter_kpa)
    t_ref, t_meter = Decimal(t_ref_c) + KELVIN, Decimal(t_meter_c) + KELVIN
    if v_ref <= 0 or p_ref <= 0 or p_meter <= 0 or t_ref <= 0 or t_meter <= 0:
        raise ValueError("volumes, absolute pressures and temperatures must be positive")
    return v_ref * (p_ref / p_meter) * (t_meter / t_ref)


def error_percent(v_meter: Decimal, v_ref_corr: Decimal) -> Decimal:
    """E = (V_meter − V_ref) / V_ref × 100, unrounded."""
    v_ref_corr = Decimal(v_ref_corr)
    if v_ref_corr <= 0:
        raise ValueError("the reference volume must be positive")
    return (Decimal(v_meter) - v_ref_corr) / v_ref_corr * HUNDRED


def round_error(error: Decimal, resolution: Decimal = DEFAULT_RESOLUTION) -> Decimal:
    """Half away from zero (ROUND_HALF_UP works on the magnitude), so +x and −x round symmetrically."""
    return Decimal(error).quantize(Decimal(resolution).normalize(), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Limits:
    """The MPEs of one accuracy class under one profile, in %, for initial verification."""

    low: Decimal                 # qmin ≤ q < qt
    high: Decimal                # qt ≤ q ≤ qmax
    same_sign: Decimal | None    # class 1.0: all same sign between qt and qmax → none above this

    def scaled(self, factor: Decimal) -> Limits:
        factor = Decimal(factor)
        return Limits(self.low * factor, self.high * factor,
                      None if self.same_sign is None else self.same_sign * factor)


@dataclass
class PointInput:
    code: str
    flow: Decimal        # m³/h
    error: Decimal       # unrounded %


@dataclass
class PointResult:
    code: str
    flow: Decimal
    error: Decimal
    error_rounded: Decimal
    zone: str            # "low" or "high"
    mpe: Decimal         # the limit applied (same-sign limit when the rule applied)
    passed: bool
    same_sign_applied: bool = False


@dataclass
class Verdict:
    passed: bool
    points: list[PointResult] = field(default_factory=list)
    same_sign_applied: bool = False
    reasons: list[str] = field(default_factory=list)


def zone_of(flow: Decimal, qt: Decimal) -> str:
    return "low" if Decimal(flow) < Decimal(qt) else "high"


def _all_same_sign(errors: list[Decimal]) -> bool:
    """True when no two errors have opposite signs (zero counts as either sign)."""
    return not (any(e > 0 for e in errors) and any(e < 0 for e in errors))


def judge(points: list[PointInput], *, limits: Limits, qt: Decimal, in_service_factor: Decimal | None = None,
          resolution: Decimal = DEFAULT_RESOLUTION) -> Verdict:
    """Pass/fail per point and overall. `in_service_factor` (e.g. 2) scales every limit for in-service checks."""
    if not points:
        return Verdict(passed=False, reasons=["no test points"])
    if in_service_factor is not None:
        limits = limits.scaled(in_service_factor)
    results = []
    for point in points:
        rounded = round_error(point.error, resolution)
        zone = zone_of(point.flow, qt)
        mpe = limits.low if zone == "low" else limits.high
        results.append(PointResult(point.code, Decimal(point.flow), Decimal(point.error), rounded, zone, mpe,
                                   abs(rounded) <= mpe))
    verdict = Verdict(passed=True, points=results)
    high = [result for result in results if result.zone == "high"]
    if limits.same_sign is not None and high and _all_same_sign([result.error_rounded for result in high]):
        verdict.same_sign_applied = True
        for result in high:
            result.same_sign_applied = True
            result.mpe = min(result.mpe, limits.same_sign)
            result.passed = abs(result.error_rounded) <= result.mpe
    for result in results:
        if not result.passed:
            verdict.passed = False
            verdict.reasons.append(f"{result.code}: |{result.error_rounded}| > {result.mpe}")
    return verdict


def corrected_consumption(measured_m3: Decimal, error: Decimal) -> Decimal:
    """What a meter with error E % should have registered: measured × 100 / (100 + E), to 0.001 m³."""
    measured, error = Decimal(measured_m3), Decimal(error)
    return (measured * HUNDRED / (HUNDRED + error)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


def credit_amount(measured_m3: Decimal, corrected_m3: Decimal, price_per_m3: Decimal) -> Decimal:
    """Money back for the over-registered gas, to the fen (0.01)."""
    over = Decimal(measured_m3) - Decimal(corrected_m3)
    return (max(over, Decimal("0")) * Decimal(price_per_m3)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
