"""Reading plausibility: pure functions, no database. The services and the import feed them what they loaded.

The rules (SAP IS-U practice, DOMAIN.md "Gas meters"); every threshold is a setting with a default
(`settings.METER_PLAUSIBILITY`, see `Rules`):

``future_date`` (blocking)
    The reading is dated more than FUTURE_GRACE_MINUTES after now. It cannot be confirmed away.
``above_register`` (blocking)
    The value does not fit the meter's register (register digits of the meter model: 5 digits → at most
    99999.999 m³). It cannot be confirmed away.
``below_previous``
    The value is below the baseline, which is the meter's previous reading, or the opening reading of its
    installation when the meter was installed (a meter change) after that reading. A value below a previous
    reading is taken as a roll-over of the register (99999.999 → 0) instead when the consumption across the
    wrap is at most ROLLOVER_MAX_SHARE of the register's range.
``zero_consumption``
    No gas used since the baseline although at least ZERO_CONSUMPTION_MIN_DAYS have passed.
``outside_tolerance``
    Consumption outside [expected / TOLERANCE_FACTOR, expected × TOLERANCE_FACTOR], where the expected
    consumption comes from the premises' own history: the daily rate in the same months a year earlier or, without
    that, the average daily rate of the twelve months before the baseline, times the days since the baseline.
    A difference below TOLERANCE_MIN_M3 never counts (small users), and without history nothing is expected.
``past_service_life``
    The reading is dated after the meter's service life ended (manufacture date + policy years): the meter is
    due for replacement and its readings are suspect.

A reading failing any rule is refused unless the reader confirms it; a confirmed one goes to the clerk's
"implausible" list. History is kept per calendar month: the consumption of each reading (and its days) counts in
the month it was read.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _

FUTURE_DATE = "future_date"
ABOVE_REGISTER = "above_register"
BELOW_PREVIOUS = "below_previous"
ZERO_CONSUMPTION = "zero_consumption"
OUTSIDE_TOLERANCE = "outside_tolerance"
PAST_SERVICE_LIFE = "past_service_life"

CHECK_LABELS = {
    FUTURE_DATE: _("The reading is dated in the future."),
    ABOVE_REGISTER: _("The value does not fit the meter's register."),
    BELOW_PREVIOUS: _("The reading is below the previous one."),
    ZERO_CONSUMPTION: _("No consumption since the previous reading."),
    OUTSIDE_TOLERANCE: _("The consumption is far from what this premises usually uses."),
    PAST_SERVICE_LIFE: _("The meter is past its service life."),
}
# Failures the reader cannot confirm: the reading itself is wrong.
BLOCKING = frozenset({FUTURE_DATE, ABOVE_REGISTER})

DEFAULTS = {
    "FUTURE_GRACE_MINUTES": 10,
    "ZERO_CONSUMPTION_MIN_DAYS": 1,
    "TOLERANCE_FACTOR": 3,
    "TOLERANCE_MIN_M3": 5,
    "ROLLOVER_MAX_SHARE": "0.1",
    "DEFAULT_REGISTER_DIGITS": 5,
}

SECONDS_PER_DAY = 86400
_SPANS = {digits: Decimal(10) ** digits for digits in range(3, 10)}


@dataclass(frozen=True)
class Rules:
    zone: ZoneInfo
    future_grace: timedelta
    zero_min_days: float
    tolerance_factor: float
    tolerance_min: float
    rollover_max_share: Decimal
    default_register_digits: int


def rules() -> Rules:
    values = {**DEFAULTS, **getattr(settings, "METER_PLAUSIBILITY", {})}
    return Rules(
        zone=ZoneInfo(settings.TIME_ZONE),
        future_grace=timedelta(minutes=float(values["FUTURE_GRACE_MINUTES"])),
        zero_min_days=float(values["ZERO_CONSUMPTION_MIN_DAYS"]),
        tolerance_factor=float(values["TOLERANCE_FACTOR"]),
        tolerance_min=float(values["TOLERANCE_MIN_M3"]),
        rollover_max_share=Decimal(str(values["ROLLOVER_MAX_SHARE"])),
        default_register_digits=int(values["DEFAULT_REGISTER_DIGITS"]),
    )


@dataclass(frozen=True)
class Baseline:
    """What a new reading is compared with: the previous reading, or the opening reading after a meter change."""

    value: Decimal
    at: datetime
    is_installation: bool = False


def choose_baseline(*, previous_value: Decimal | None, previous_at: datetime | None,
                    opening_value: Decimal | None, installed_at: datetime | None) -> Baseline | None:
    """The meter's previous reading, unless its installation at this premises is newer (a meter change)."""
    if installed_at is not None and opening_value is not None and (previous_at is None or previous_at < installed_at):
        return Baseline(opening_value, installed_at, True)
    if previous_at is not None and previous_value is not None:
        return Baseline(previous_value, previous_at, False)
    return None


# History: {month number: [consumption m³, days]} for one premises; month number = year × 12 + month − 1.
History = dict[int, list[float]]


def month_number(moment: datetime | date, zone: ZoneInfo | None = None) -> int:
    """The calendar month (in the utility's zone) a moment falls in, as year × 12 + month − 1."""
    if zone is not None and isinstance(moment, datetime) and moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.year * 12 + moment.month - 1


def expected_daily_rate(history: History | None, *, since: datetime, until: datetime,
                        zone: ZoneInfo | None = None) -> float | None:
    """m³ a day the premises is expected to use between two moments, from its own history; None without history.

    The same calendar months a year earlier first; without consumption there, the twelve months up to `since`.
    """
    if not history:
        return None
    first, last = month_number(since, zone), month_number(until, zone)
    consumption = days = 0.0
    for month in range(first - 12, last - 11):
        entry = history.get(month)
        if entry is not None:
            consumption += entry[0]
            days += entry[1]
    if days > 0:
        return consumption / days
    for month, entry in history.items():
        if first - 12 < month <= first:
            consumption += entry[0]
            days += entry[1]
    return consumption / days if days > 0 else None


def add_to_history(history: History, at: datetime, consumption: float, days: float,
                   zone: ZoneInfo | None = None) -> None:
    entry = history.setdefault(month_number(at, zone), [0.0, 0.0])
    entry[0] += consumption
    entry[1] += days


@dataclass(frozen=True)
class Outcome:
    failed: tuple[str, ...]
    # Consumption since the baseline (across a roll-over if there was one) and over how many days; None when the
    # reading has no baseline or is below it.
    consumption: Decimal | None
    period_days: float | None
    rolled_over: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def blocking(self) -> bool:
        return bool(BLOCKING.intersection(self.failed))


def check(*, value: Decimal, read_at: datetime, now: datetime, baseline: Baseline | None,
          register_digits: int | None, service_life_expires_on: date | None, history: History | None,
          rules: Rules) -> Outcome:
    """Run every rule on one reading; the failed checks in a stable order."""
    failed: list[str] = []
    if read_at > now + rules.future_grace:
        failed.append(FUTURE_DATE)
    register_span = _SPANS.get(register_digits or rules.default_register_digits)
    if register_span is None:
        register_span = Decimal(10) ** (register_digits or rules.default_register_digits)
    if value >= register_span:
        failed.append(ABOVE_REGISTER)
    consumption: Decimal | None = None
    days: float | None = None
    rolled_over = False
    if baseline is not None and read_at > baseline.at:
        days = (read_at - baseline.at).total_seconds() / SECONDS_PER_DAY
        if value >= baseline.value:
            consumption = value - baseline.value
        else:
            wrapped = register_span - baseline.value + value
            if wrapped <= register_span * rules.rollover_max_share:
                consumption, rolled_over = wrapped, True
            else:
                failed.append(BELOW_PREVIOUS)
        if consumption is not None:
            if consumption == 0:
                if days >= rules.zero_min_days:
                    failed.append(ZERO_CONSUMPTION)
            else:
                rate = expected_daily_rate(history, since=baseline.at, until=read_at, zone=rules.zone)
                if rate is not None:
                    expected = rate * days
                    used = float(consumption)
                    if abs(used - expected) >= rules.tolerance_min and (
                            used > expected * rules.tolerance_factor or used * rules.tolerance_factor < expected):
                        failed.append(OUTSIDE_TOLERANCE)
    elif baseline is not None and read_at <= baseline.at and value < baseline.value:
        failed.append(BELOW_PREVIOUS)
    if service_life_expires_on is not None and read_at.astimezone(rules.zone).date() > service_life_expires_on:
        failed.append(PAST_SERVICE_LIFE)
    return Outcome(tuple(failed), consumption, days, rolled_over)


def describe(failed) -> list[dict[str, str]]:
    return [{"code": code, "message": str(CHECK_LABELS.get(code, code))} for code in failed]
