"""Every plausibility rule, as a pure function and through reading_record."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from dispatch.common.errors import Conflict, DispatchError
from dispatch.meters import plausibility as p
from dispatch.meters.models import MeterModelSpec, MeterReading, Plausibility
from dispatch.meters.readings import reading_record
from dispatch.meters.services import meter_install, meter_remove
from tests.factories.meters import MeterFactory, installed_meter

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 12, tzinfo=TZ)
RULES = p.Rules(zone=TZ, future_grace=timedelta(minutes=10), zero_min_days=1, tolerance_factor=3, tolerance_min=5,
                rollover_max_share=Decimal("0.1"), default_register_digits=5)


def run(value, *, read_at=NOW, baseline=(Decimal("100"), NOW - timedelta(days=30)), digits=5, expires=None,
        history=None, installation=False):
    base = p.Baseline(baseline[0], baseline[1], installation) if baseline else None
    return p.check(value=Decimal(value), read_at=read_at, now=NOW, baseline=base, register_digits=digits,
                   service_life_expires_on=expires, history=history, rules=RULES)


def test_plain_reading_passes_with_consumption_and_days():
    outcome = run("130.5")
    assert outcome.ok and outcome.consumption == Decimal("30.5") and outcome.period_days == 30


def test_future_date_is_blocking():
    outcome = run("130", read_at=NOW + timedelta(minutes=11))
    assert outcome.failed == (p.FUTURE_DATE,) and outcome.blocking
    assert run("130", read_at=NOW + timedelta(minutes=9)).ok


def test_value_beyond_the_register_is_blocking():
    assert run("100000", digits=5).failed[0] == p.ABOVE_REGISTER
    assert run("100000", digits=6).ok


def test_below_previous():
    outcome = run("99.999")
    assert outcome.failed == (p.BELOW_PREVIOUS,) and outcome.consumption is None


def test_rollover_is_not_below_previous():
    outcome = run("12.000", baseline=(Decimal("99990.000"), NOW - timedelta(days=30)))
    assert outcome.ok and outcome.rolled_over and outcome.consumption == Decimal("22.000")


def test_rollover_register_digits_matter():
    # On a 6-digit register 99990 → 12 is not a wrap but a reading far below the previous one.
    assert run("12.000", baseline=(Decimal("99990.000"), NOW - timedelta(days=30)), digits=6).failed == (
        p.BELOW_PREVIOUS,)


def test_a_big_drop_is_not_taken_for_a_rollover():
    assert run("50000", baseline=(Decimal("90000"), NOW - timedelta(days=30))).failed == (p.BELOW_PREVIOUS,)


def test_meter_change_compares_with_the_opening_reading():
    installed = NOW - timedelta(days=10)
    baseline = p.choose_baseline(previous_value=Decimal("5000"), previous_at=NOW - timedelta(days=40),
                                 opening_value=Decimal("3"), installed_at=installed)
    assert baseline == p.Baseline(Decimal("3"), installed, True)
    outcome = run("10", baseline=(baseline.value, baseline.at), installation=True)
    assert outcome.ok and outcome.consumption == 7
    assert run("2", baseline=(baseline.value, baseline.at), installation=True).failed == (p.BELOW_PREVIOUS,)


def test_later_reading_than_installation_is_the_baseline():
    assert p.choose_baseline(previous_value=Decimal("9"), previous_at=NOW - timedelta(days=1),
                             opening_value=Decimal("3"), installed_at=NOW - timedelta(days=10)).value == 9
    assert p.choose_baseline(previous_value=None, previous_at=None, opening_value=None, installed_at=None) is None


def test_zero_consumption_after_a_day_or_more():
    assert run("100").failed == (p.ZERO_CONSUMPTION,)
    assert run("100", baseline=(Decimal("100"), NOW - timedelta(hours=3))).ok


def _history(rate_by_month: dict[date, float]) -> p.History:
    return {p.month_number(month): [rate * 30, 30.0] for month, rate in rate_by_month.items()}


def test_outside_tolerance_uses_the_same_months_last_year():
    # Last May–June the premises used 2 m³ a day; 30 days now → 60 m³ expected, 20..180 tolerated.
    history = _history({date(2025, 5, 1): 2.0, date(2025, 6, 1): 2.0, date(2026, 3, 1): 0.1})
    assert run("160", history=history).ok
    assert run("290", history=history).failed == (p.OUTSIDE_TOLERANCE,)
    assert run("115", history=history).failed == (p.OUTSIDE_TOLERANCE,)


def test_outside_tolerance_falls_back_to_the_last_twelve_months():
    history = _history({date(2026, 3, 1): 1.0, date(2026, 4, 1): 1.0})
    assert p.expected_daily_rate(history, since=NOW - timedelta(days=30), until=NOW, zone=TZ) == 1.0
    assert run("200", history=history).failed == (p.OUTSIDE_TOLERANCE,)
    assert run("120", history=history).ok


def test_small_differences_never_count_and_no_history_expects_nothing():
    history = _history({date(2026, 4, 1): 0.01})
    assert run("104", history=history).ok  # 4 m³ against 0.3 expected: below the 5 m³ minimum
    assert run("5000", history=None).ok


def test_past_service_life():
    assert run("130", expires=date(2026, 6, 14)).failed == (p.PAST_SERVICE_LIFE,)
    assert run("130", expires=date(2026, 6, 15)).ok


def test_several_failures_are_all_listed():
    outcome = run("50", read_at=NOW + timedelta(days=2), expires=date(2020, 1, 1))
    assert outcome.failed == (p.FUTURE_DATE, p.BELOW_PREVIOUS, p.PAST_SERVICE_LIFE)
    assert [item["code"] for item in p.describe(outcome.failed)] == list(outcome.failed)


def test_thresholds_come_from_settings(settings):
    settings.METER_PLAUSIBILITY = {"TOLERANCE_FACTOR": 10, "ZERO_CONSUMPTION_MIN_DAYS": 60}
    rules = p.rules()
    assert rules.tolerance_factor == 10 and rules.zero_min_days == 60 and rules.default_register_digits == 5


# Through the service, with the history from the database.



@pytest.mark.django_db
def test_reading_record_refuses_implausible_until_confirmed(meter, now, english):
    with pytest.raises(DispatchError) as refused:
        reading_record(actor=None, meter=meter, value="50", read_at=now)
    assert refused.value.code == "implausible_reading" and refused.value.status_code == 400
    assert refused.value.extra["failed_checks"][0]["code"] == "below_previous"
    assert refused.value.extra["can_confirm"] is True
    assert not MeterReading.objects.exists()

    reading = reading_record(actor=None, meter=meter, value="50", read_at=now, confirm=True)
    assert reading.plausibility == Plausibility.IMPLAUSIBLE_CONFIRMED
    assert reading.failed_checks == ["below_previous"]


@pytest.mark.django_db
def test_reading_record_future_cannot_be_confirmed(meter, now):
    with pytest.raises(DispatchError) as refused:
        reading_record(actor=None, meter=meter, value="150", read_at=now + timedelta(days=1), confirm=True)
    assert refused.value.extra["can_confirm"] is False


@pytest.mark.django_db
def test_reading_record_ok_and_duplicate(meter, premises, now):
    reading = reading_record(actor=None, meter=meter, value="150.125", read_at=now - timedelta(days=1))
    assert reading.plausibility == "ok" and reading.premises == premises
    assert reading.consumption == Decimal("50.125")
    with pytest.raises(Conflict) as duplicate:
        reading_record(actor=None, meter=meter, value="151", read_at=now - timedelta(days=1))
    assert duplicate.value.code == "duplicate_reading"


@pytest.mark.django_db
def test_reading_record_uses_premises_history(meter, now):
    # A steady 1 m³/day for a year, then 300 m³ in 30 days.
    value = Decimal("100")
    for month in range(12, 0, -1):
        value += 30
        reading_record(actor=None, meter=meter, value=value, read_at=now - timedelta(days=30 * month + 1))
    assert MeterReading.objects.filter(plausibility="ok").count() == 12
    with pytest.raises(DispatchError) as refused:
        reading_record(actor=None, meter=meter, value=value + 300, read_at=now)
    assert [c["code"] for c in refused.value.extra["failed_checks"]] == ["outside_tolerance"]
    assert reading_record(actor=None, meter=meter, value=value + 31, read_at=now).plausibility == "ok"


@pytest.mark.django_db
def test_reading_record_rollover_per_meter_model(premises, now):
    MeterModelSpec.objects.create(manufacturer="Goldcard", model="G4-D", register_digits=4)
    meter = installed_meter(premises, opening="9990", installed_at=now - timedelta(days=30))
    reading = reading_record(actor=None, meter=meter, value="5", read_at=now)
    assert reading.plausibility == "ok" and reading.consumption == Decimal("15")


@pytest.mark.django_db
def test_reading_record_after_meter_change(premises, now):
    old = installed_meter(premises, opening="0", installed_at=now - timedelta(days=100))
    reading_record(actor=None, meter=old, value="150", read_at=now - timedelta(days=50))
    meter_remove(actor=None, meter=old, closing_reading=Decimal("210"), removed_at=now - timedelta(days=20))
    new = MeterFactory()
    meter_install(actor=None, premises=premises, meter=new, opening_reading=Decimal("1"),
                  installed_at=now - timedelta(days=20))
    reading = reading_record(actor=None, meter=new, value="60", read_at=now)
    assert reading.plausibility == "ok" and reading.consumption == Decimal("59")


@pytest.mark.django_db
def test_reading_record_past_service_life_and_not_installed(premises, now):
    meter = installed_meter(premises, opening="0", installed_at=now - timedelta(days=30))
    meter.service_life_expires_on = (now - timedelta(days=2)).date()
    meter.save()
    with pytest.raises(DispatchError) as refused:
        reading_record(actor=None, meter=meter, value="20", read_at=now)
    assert [c["code"] for c in refused.value.extra["failed_checks"]] == ["past_service_life"]
    with pytest.raises(DispatchError) as stock:
        reading_record(actor=None, meter=MeterFactory(), value="1", read_at=now)
    assert stock.value.code == "meter_not_installed"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "-1", "1.2345", "NaN", "1e12"])
def test_reading_record_bad_values(meter, now, bad):
    with pytest.raises(DispatchError) as refused:
        reading_record(actor=None, meter=meter, value=bad, read_at=now)
    assert refused.value.code == "invalid" and "value" in refused.value.fields
