"""Risk evaluation: LEC (D = L × E × C) and the 5 × 5 likelihood–severity matrix, from configurable tables.

Band edges (DOMAIN.md defaults, editable in the admin as `RiskMethodConfig`):
  LEC     D > 320 extreme · 160 < D ≤ 320 high · 70 < D ≤ 160 significant · 20 < D ≤ 70 general · D ≤ 20 low
  matrix  L × S ≥ 16 high · 9–15 medium · 1–8 low

"Significant" (the register's 重要危险源 flag, which demands controls and appears on the safety officer's pages) is
the band at or above `lec_significant_from` (default "significant", i.e. D > 70) for LEC, and at or above
`matrix_significant_from` (default "medium", i.e. score ≥ 9) for the matrix. Both follow the usual practice that
any risk which is not low enough to be accepted as it stands needs planned controls (ISO 45001 §6.1.2.2 / §8.1.2):
LEC "general" and matrix "low" are tolerable with existing controls, everything above must be controlled.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import pairwise

from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError

from .models import LEC_BAND_ORDER, MATRIX_BAND_ORDER, RiskMethod, RiskMethodConfig


@dataclass(frozen=True)
class Evaluation:
    score: Decimal
    band: str
    significant: bool


def risk_config() -> RiskMethodConfig:
    """The site's configuration row, or the DOMAIN.md defaults when none has been saved."""
    config = RiskMethodConfig.objects.order_by("pk").first()
    if config is None:
        return RiskMethodConfig.defaults()
    defaults = RiskMethodConfig.defaults()
    for name in ("lec_likelihood", "lec_exposure", "lec_consequence", "lec_bands", "matrix_bands"):
        if not getattr(config, name):
            setattr(config, name, getattr(defaults, name))
    return config


def _decimal(value) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise DispatchError("invalid", _("Not a number: %(value)s") % {"value": value}) from None
    if not number.is_finite():
        raise DispatchError("invalid", _("Not a number: %(value)s") % {"value": value})
    return number


def table_values(table: list) -> list[Decimal]:
    return [_decimal(row[0]) for row in table]


def lec_band(score: Decimal, config: RiskMethodConfig | None = None) -> str:
    config = config or risk_config()
    score = _decimal(score)
    for band, edge in sorted(config.lec_bands, key=lambda row: _decimal(row[1]), reverse=True):
        if score > _decimal(edge):
            return band
    return "low"


def matrix_band(score: int, config: RiskMethodConfig | None = None) -> str:
    config = config or risk_config()
    for band, edge in sorted(config.matrix_bands, key=lambda row: int(row[1]), reverse=True):
        if score >= int(edge):
            return band
    return "low"


def is_significant(method: str, band: str, config: RiskMethodConfig | None = None) -> bool:
    config = config or risk_config()
    if method == RiskMethod.LEC:
        return LEC_BAND_ORDER.index(band) >= LEC_BAND_ORDER.index(config.lec_significant_from)
    return MATRIX_BAND_ORDER.index(band) >= MATRIX_BAND_ORDER.index(config.matrix_significant_from)


def _check_in_table(field: str, value, table: list, label: str) -> Decimal:
    number = _decimal(value)
    allowed = table_values(table)
    if number not in allowed:
        choices = ", ".join(str(item.normalize()) for item in allowed)
        raise DispatchError("invalid",
                            _("%(label)s must be one of %(choices)s.") % {"label": label, "choices": choices},
                            fields={field: [_("Choose one of %(choices)s.") % {"choices": choices}]})
    return number


def evaluate_lec(l_value, e_value, c_value, config: RiskMethodConfig | None = None, *,
                 prefix: str = "") -> Evaluation:
    config = config or risk_config()
    likelihood = _check_in_table(f"{prefix}lec_l", l_value, config.lec_likelihood, "L")
    exposure = _check_in_table(f"{prefix}lec_e", e_value, config.lec_exposure, "E")
    consequence = _check_in_table(f"{prefix}lec_c", c_value, config.lec_consequence, "C")
    score = likelihood * exposure * consequence
    band = lec_band(score, config)
    return Evaluation(score=score, band=band, significant=is_significant(RiskMethod.LEC, band, config))


def evaluate_matrix(likelihood, severity, config: RiskMethodConfig | None = None, *,
                    prefix: str = "") -> Evaluation:
    config = config or risk_config()
    fields = {}
    values = {}
    for name, value in ((f"{prefix}likelihood", likelihood), (f"{prefix}severity", severity)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            fields[name] = [_("Give a whole number from 1 to 5.")]
        values[name] = value
    if fields:
        raise DispatchError("invalid", _("Likelihood and severity run from 1 to 5."), fields=fields)
    score = likelihood * severity
    band = matrix_band(score, config)
    return Evaluation(score=Decimal(score), band=band, significant=is_significant(RiskMethod.MATRIX, band, config))


def check_config(config: RiskMethodConfig) -> None:
    """Tables of positive numbers, LEC bands from the known band names, matrix edges inside 2–25 and rising."""
    from django.core.exceptions import ValidationError

    errors: dict[str, str] = {}
    for name in ("lec_likelihood", "lec_exposure", "lec_consequence"):
        table = getattr(config, name)
        try:
            ok = isinstance(table, list) and table and all(_decimal(row[0]) > 0 for row in table)
        except (DispatchError, IndexError, KeyError, TypeError):
            ok = False
        if not ok:
            errors[name] = _('Give rows of ["value", "meaning"] with positive values.')
    try:
        names = [row[0] for row in config.lec_bands]
        edges = [_decimal(row[1]) for row in config.lec_bands]
        ok = set(names) <= set(LEC_BAND_ORDER[1:]) and len(set(names)) == len(names) and all(e >= 0 for e in edges)
        ranked = sorted(zip(names, edges, strict=True), key=lambda pair: LEC_BAND_ORDER.index(pair[0]))
        ok = ok and all(a[1] < b[1] for a, b in pairwise(ranked))
    except (DispatchError, IndexError, KeyError, TypeError):
        ok = False
    if not ok:
        errors["lec_bands"] = _("Band names general…extreme, each edge above the one of the band below.")
    try:
        pairs = {row[0]: int(row[1]) for row in config.matrix_bands}
        ok = set(pairs) == {"medium", "high"} and 2 <= pairs["medium"] < pairs["high"] <= 25
    except (IndexError, KeyError, TypeError, ValueError):
        ok = False
    if not ok:
        errors["matrix_bands"] = _("Give the medium and high edges, 2 ≤ medium < high ≤ 25.")
    if errors:
        raise ValidationError(errors)
