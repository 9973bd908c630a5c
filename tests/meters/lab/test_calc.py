"""The error arithmetic and the verdicts against hand-worked examples (G4: qmin 0.04, qt 0.6, qmax 6 m³/h).

Decision rule under test: E rounded half away from zero to 0.01 %, |E_rounded| ≤ MPE passes."""

from decimal import Decimal as D

import pytest

from dispatch.meters.lab import calc

CLASS_15 = calc.Limits(D("3"), D("1.5"), None)
CLASS_10 = calc.Limits(D("2"), D("1"), D("0.5"))
QT = D("0.6")


def verdict(limits, *errors, in_service=None):
    """errors for qmin (0.04), 0.2·qmax (1.2) and qmax (6) in that order; None skips a point."""
    flows = [("qmin", D("0.04")), ("0.2qmax", D("1.2")), ("qmax", D("6"))]
    points = [calc.PointInput(code, flow, D(error)) for (code, flow), error in zip(flows, errors, strict=True)
              if error is not None]
    return calc.judge(points, limits=limits, qt=QT, in_service_factor=in_service)


def test_reference_volume_is_corrected_to_the_meters_pressure_and_temperature():
    # Same conditions: no change.
    assert calc.corrected_reference_volume(D("10"), t_ref_c=D("20"), p_ref_kpa=D("101"), t_meter_c=D("20"),
                                           p_meter_kpa=D("101")) == D("10")
    # Meter at 101 kPa, standard at 100 kPa: the gas is compressed at the meter, 10 × 100/101 = 9.900990 m³.
    assert calc.corrected_reference_volume(D("10"), t_ref_c=D("20"), p_ref_kpa=D("100"), t_meter_c=D("20"),
                                           p_meter_kpa=D("101")).quantize(D("0.000001")) == D("9.900990")
    # Meter 1 K warmer: 10 × 294.15 / 293.15 = 10.034112 m³ (Kelvin, not °C: 10 × 21/20 would be 10.5).
    assert calc.corrected_reference_volume(D("10"), t_ref_c=D("20"), p_ref_kpa=D("100"), t_meter_c=D("21"),
                                           p_meter_kpa=D("100")).quantize(D("0.000001")) == D("10.034112")
    # Both: 10 × (100/101) × (294.15/293.15) = 9.9347646 m³.
    assert calc.corrected_reference_volume(D("10"), t_ref_c=D("20"), p_ref_kpa=D("100"), t_meter_c=D("21"),
                                           p_meter_kpa=D("101")).quantize(D("0.000001")) == D("9.934765")


def test_error_formula_and_rounding():
    assert calc.error_percent(D("10.15"), D("10")) == D("1.5")
    assert calc.error_percent(D("9.7"), D("10")) == D("-3")
    # With the corrected reference 9.900990 (above): (10 − 9.900990099) / 9.900990099 × 100 = 1.00 %.
    v_corr = calc.corrected_reference_volume(D("10"), t_ref_c=D("20"), p_ref_kpa=D("100"), t_meter_c=D("20"),
                                             p_meter_kpa=D("101"))
    assert calc.round_error(calc.error_percent(D("10"), v_corr)) == D("1.00")
    # Half away from zero, symmetric.
    assert calc.round_error(D("1.505")) == D("1.51")
    assert calc.round_error(D("-1.505")) == D("-1.51")
    assert calc.round_error(D("1.50499")) == D("1.50")
    with pytest.raises(ValueError):
        calc.error_percent(D("1"), D("0"))


@pytest.mark.parametrize(("errors", "passed"), [
    (("0.2", "1.5", "-1.2"), True),        # exactly at the high MPE
    (("0.2", "-1.5", "1.2"), True),
    (("0.2", "1.504", "-1.2"), True),      # rounds to 1.50: at the MPE
    (("0.2", "1.505", "-1.2"), False),     # rounds to 1.51: just over
    (("0.2", "-1.505", "1.2"), False),
    (("3", "0.5", "0.5"), True),           # exactly at the low MPE (qmin < qt)
    (("-3", "0.5", "0.5"), True),
    (("3.01", "0.5", "0.5"), False),       # just over at qmin
    (("-3.005", "0.5", "0.5"), False),
    (("2.9", "1.49", "1.49"), True),       # class 1.5 has no same-sign rule
])
def test_class_1_5_initial(errors, passed):
    assert verdict(CLASS_15, *errors).passed is passed


@pytest.mark.parametrize(("errors", "passed", "same_sign"), [
    (("1.9", "0.5", "0.3"), True, True),     # same sign, 0.5 exactly at the same-sign limit
    (("1.9", "0.51", "0.3"), False, True),   # same sign, just over 0.5
    (("0", "-0.5", "-0.5"), True, True),
    (("0", "-0.505", "-0.2"), False, True),  # rounds to −0.51
    (("2", "1", "-0.2"), True, False),       # opposite signs: the plain limits, exactly at both MPEs
    (("2", "1.01", "-0.2"), False, False),   # just over the high MPE
    (("2.01", "0.2", "-0.2"), False, False), # just over the low MPE
    (("-1.99", "-0.9", "0.9"), True, False),
    (("0.1", "0", "0.6"), False, True),      # zero counts as either sign: the same-sign rule applies
    (("0.1", "0.004", "-0.6"), False, True), # 0.004 rounds to 0.00 (either sign): applies, |−0.6| > 0.5
    (("0.1", "0.006", "-0.6"), True, False), # 0.006 rounds to 0.01: opposite signs, |−0.6| ≤ 1
])
def test_class_1_0_initial_and_the_same_sign_rule(errors, passed, same_sign):
    result = verdict(CLASS_10, *errors)
    assert (result.passed, result.same_sign_applied) == (passed, same_sign), result.reasons


def test_the_low_zone_is_outside_the_same_sign_rule():
    result = verdict(CLASS_10, "1.9", "0.4", "0.3")
    assert result.passed
    assert [p.mpe for p in result.points] == [D("2"), D("0.5"), D("0.5")]
    assert [p.zone for p in result.points] == ["low", "high", "high"]


@pytest.mark.parametrize(("limits", "errors", "passed"), [
    (CLASS_15, ("6", "3", "-3"), True),          # 2 × 3 and 2 × 1.5, exactly
    (CLASS_15, ("6.01", "3", "-3"), False),
    (CLASS_15, ("6", "3.005", "-3"), False),
    (CLASS_15, ("-6", "-2.5", "-2.9"), True),
    (CLASS_10, ("4", "2", "-0.1"), True),        # 2 × 2, 2 × 1, opposite signs
    (CLASS_10, ("4", "2.01", "-0.1"), False),
    (CLASS_10, ("4.01", "0.5", "-0.1"), False),
    (CLASS_10, ("0", "1", "0.9"), True),         # same sign: 2 × 0.5 = 1, exactly
    (CLASS_10, ("0", "1.01", "0.9"), False),
])
def test_in_service_limits_are_twice_the_initial(limits, errors, passed):
    result = verdict(limits, *errors, in_service=D("2"))
    assert result.passed is passed, result.reasons


def test_initial_limits_would_fail_what_in_service_passes():
    assert not verdict(CLASS_15, "0", "2", "0").passed
    assert verdict(CLASS_15, "0", "2", "0", in_service=D("2")).passed


def test_no_points_is_no_pass():
    assert not calc.judge([], limits=CLASS_15, qt=QT).passed


def test_corrected_consumption_and_credit():
    # Meter 4 % fast registered 104 m³: 104 × 100 / 104 = 100 m³, 4 m³ over at 2.61 per m³ = 10.44.
    assert calc.corrected_consumption(D("104"), D("4")) == D("100.000")
    assert calc.credit_amount(D("104"), D("100"), D("2.61")) == D("10.44")
    # 3.37 % fast on 57.8 m³: 57.8 × 100 / 103.37 = 55.915643 → 55.916 m³; (57.8 − 55.916) × 2.61 = 4.91724 → 4.92.
    corrected = calc.corrected_consumption(D("57.8"), D("3.37"))
    assert corrected == D("55.916")
    assert calc.credit_amount(D("57.8"), corrected, D("2.61")) == D("4.92")
    # A slow meter gets no credit here.
    assert calc.credit_amount(D("50"), D("52"), D("2.61")) == D("0.00")
