from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dispatch.meters import completion
from dispatch.meters.lab import complaint, services
from dispatch.meters.lab.models import ReferenceStandard
from dispatch.meters.models import MeterStatus
from tests.factories import UserFactory
from tests.factories.meters import MeterFactory

ENV = {"ambient_temp_c": "20.0", "ambient_pressure_kpa": "100.8", "humidity_pct": "55", "conditioning_hours": "4"}


@pytest.fixture
def verifier(db):
    return UserFactory(username="verifier", first_name="王检定", roles=["lab"])


@pytest.fixture
def checker(db):
    return UserFactory(username="checker", first_name="李核验", roles=["lab"])


@pytest.fixture
def approver(db):
    return UserFactory(username="approver", first_name="赵批准", roles=["lab"])


@pytest.fixture
def standard(db):
    today = timezone.localdate()
    return ReferenceStandard.objects.create(
        name="钟罩式气体流量标准装置 Bell prover 2000 L", kind="bell_prover", serial="BP-2000-01",
        range_min=Decimal("0.016"), range_max=Decimal("40"), uncertainty="U = 0.2 %, k = 2",
        calibration_certificate_no="JL-2026-0815", calibrated_by="广西计量检测研究院 Guangxi Institute of Metrology",
        calibrated_on=today - timedelta(days=100), calibration_valid_until=today + timedelta(days=265))


@pytest.fixture
def new_meter(db):
    return MeterFactory(serial="G4-2026-000123", manufacturer="金卡 Goldcard", model="JGD4", accuracy_class="1.5",
                        manufactured_on=date(2026, 1, 10), first_verified_on=None)


def run_test(actor, meter, standard, errors, *, finish=True, **kwargs):
    """A whole session: environment, one point per profile point with the given errors (%, lowest flow first),
    standard and meter at the same temperature and pressure, so V_meter = V_ref × (1 + E/100)."""
    test = services.test_start(actor=actor, meter=meter, standard=standard, **kwargs)
    services.environment_record(actor=actor, test=test, **ENV)
    for (code, _flow), error in zip(services.planned_points(test.profile, meter), errors, strict=True):
        v_ref = Decimal("10")
        services.point_record(actor=actor, test=test, code=code, v_ref=v_ref,
                              v_meter=v_ref * (1 + Decimal(error) / 100), t_ref_c="20.1", p_ref_kpa="102.3",
                              t_meter_c="20.1", p_meter_kpa="102.3")
    if finish:
        test = services.test_complete(actor=actor, test=test)
    return test


@pytest.fixture
def removed_for_complaint(meter, premises, verifier):
    """The complaint's removal order completed: the meter in the lab, a temporary verified meter installed."""
    order = complaint.complaint_removal_order_create(actor=None, premises=premises, complaint_ref="TS-2026-0042")
    assert order.kind == "meter_complaint_removal" and order.source_ref == "TS-2026-0042"
    temporary = MeterFactory(serial="TEMP-0001")
    completion.record_complaint_removal(work_order=order, actor=None, data={
        "removed_serial": meter.serial, "removed_reading_m3": Decimal("1234.5"),
        "installed_serial": temporary.serial, "installed_reading_m3": Decimal("0")})
    meter.refresh_from_db()
    temporary.refresh_from_db()
    assert meter.status == MeterStatus.IN_LAB and temporary.status == MeterStatus.INSTALLED
    return meter
