"""LEC at every band edge, the matrix cut-offs, the significant flag and the configurable tables."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dispatch.common.errors import DispatchError
from dispatch.hse.models import RiskMethodConfig
from dispatch.hse.risk import evaluate_lec, evaluate_matrix, is_significant, lec_band, matrix_band

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("score", "band"), [
    ("0.05", "low"), ("20", "low"), ("20.01", "general"), ("20.1", "general"),
    ("70", "general"), ("70.01", "significant"), ("70.1", "significant"),
    ("160", "significant"), ("160.01", "high"), ("160.1", "high"),
    ("320", "high"), ("320.01", "extreme"), ("320.1", "extreme"), ("10000", "extreme"),
])
def test_lec_band_edges(score, band):
    assert lec_band(Decimal(score)) == band


@pytest.mark.parametrize(("l_value", "e_value", "c_value", "score", "band", "significant"), [
    ("10", "2", "1", "20", "low", False),            # exactly on the low/general edge
    ("3", "1", "7", "21", "general", False),
    ("10", "1", "7", "70", "general", False),        # exactly on the general/significant edge
    ("3", "6", "7", "126", "significant", True),
    ("1", "10", "15", "150", "significant", True),
    ("6", "3", "15", "270", "high", True),
    ("1", "3", "100", "300", "high", True),
    ("6", "6", "15", "540", "extreme", True),
    ("0.5", "0.5", "1", "0.25", "low", False),       # Decimal, no float rounding
    ("0.1", "10", "100", "100", "significant", True),
    ("0.2", "6", "40", "48", "general", False),
])
def test_lec_evaluation_from_the_tables(l_value, e_value, c_value, score, band, significant):
    result = evaluate_lec(Decimal(l_value), Decimal(e_value), Decimal(c_value))

    assert result.score == Decimal(score)
    assert isinstance(result.score, Decimal)
    assert result.band == band
    assert result.significant is significant


def test_lec_values_outside_the_tables_are_refused():
    with pytest.raises(DispatchError) as refused:
        evaluate_lec(Decimal("4"), Decimal("6"), Decimal("7"))
    assert refused.value.code == "invalid"
    assert "lec_l" in refused.value.fields
    with pytest.raises(DispatchError):
        evaluate_lec("abc", "6", "7")
    with pytest.raises(DispatchError):
        evaluate_lec("NaN", "6", "7")


@pytest.mark.parametrize(("likelihood", "severity", "band", "significant"), [
    (1, 1, "low", False), (2, 4, "low", False), (4, 2, "low", False),     # 8: last low
    (3, 3, "medium", True),                                                # 9: first medium
    (3, 5, "medium", True), (5, 3, "medium", True),                        # 15: last medium
    (4, 4, "high", True),                                                  # 16: first high
    (5, 5, "high", True),
])
def test_matrix_cut_offs(likelihood, severity, band, significant):
    result = evaluate_matrix(likelihood, severity)

    assert result.score == likelihood * severity
    assert result.band == band
    assert result.significant is significant


@pytest.mark.parametrize("score, band", [(8, "low"), (9, "medium"), (15, "medium"), (16, "high")])
def test_matrix_band_at_the_cut_offs(score, band):
    assert matrix_band(score) == band


@pytest.mark.parametrize(("likelihood", "severity"), [(0, 3), (6, 1), (3, None), (True, 2), ("3", 3)])
def test_matrix_values_outside_one_to_five_are_refused(likelihood, severity):
    with pytest.raises(DispatchError) as refused:
        evaluate_matrix(likelihood, severity)
    assert refused.value.code == "invalid"


def test_cut_offs_and_significance_come_from_the_configuration():
    config = RiskMethodConfig.defaults()
    config.matrix_bands = [["high", 20], ["medium", 10]]
    config.lec_bands = [["extreme", "400"], ["high", "200"], ["significant", "100"], ["general", "30"]]
    config.lec_significant_from = "high"
    config.save()

    assert matrix_band(9) == "low"
    assert matrix_band(10) == "medium"
    assert matrix_band(16) == "medium"
    assert matrix_band(20) == "high"
    assert lec_band(Decimal("100")) == "general"
    assert lec_band(Decimal("100.1")) == "significant"
    assert evaluate_lec("3", "6", "7").significant is False  # 126: significant band, but significance starts at high
    assert is_significant("lec", "high") is True


def test_a_bad_configuration_is_refused():
    config = RiskMethodConfig.defaults()
    config.matrix_bands = [["high", 9], ["medium", 16]]
    config.lec_bands = [["extreme", "100"], ["high", "160"]]
    with pytest.raises(ValidationError) as refused:
        config.full_clean()
    assert {"matrix_bands", "lec_bands"} <= set(refused.value.message_dict)
    assert RiskMethodConfig.defaults().full_clean() is None
