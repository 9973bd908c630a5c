from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent
from dispatch.meters.lab import services
from dispatch.meters.lab.models import RegulationProfile
from dispatch.meters.models import MeterStatus
from tests.factories.meters import MeterFactory

from .conftest import ENV, run_test


def test_shipped_profiles_hold_the_domain_values(db, english):
    jjg = services.profile_current("JJG577-2012")
    oiml = services.profile_current("OIML-R137")
    assert [p["code"] for p in jjg.test_points] == ["qmin", "0.2qmax", "qmax"]
    assert [p["code"] for p in oiml.test_points] == ["qmin", "qt", "qmax"]
    for profile in (jjg, oiml):
        assert services.profile_limits(profile, "1.5").high == Decimal("1.5")
        assert services.profile_limits(profile, "1.0").same_sign == Decimal("0.5")
        assert profile.in_service_factor == 2 and profile.conditioning_hours == 4
    assert "unconfirmed" in str(RegulationProfile._meta.get_field("in_service_factor").help_text)


def test_passing_meter_goes_to_stock_and_records_the_profile_version(verifier, new_meter, standard):
    test = run_test(verifier, new_meter, standard, ["-1.2", "0.4", "-0.3"])
    new_meter.refresh_from_db()
    assert test.passed and new_meter.status == MeterStatus.IN_STOCK
    assert test.profile.code == "JJG577-2012" and test.profile.version == 1
    assert [p.code for p in test.points.all()] == ["qmin", "0.2qmax", "qmax"]
    assert [str(p.flow) for p in test.points.all()] == ["0.040", "1.200", "6.000"]
    assert list(new_meter.events.values_list("to_status", flat=True)) == ["in_stock", "in_lab", "in_stock"]


def test_failing_meter_is_scrapped_or_returned_to_the_maker(verifier, new_meter, standard, english):
    test = run_test(verifier, new_meter, standard, ["0.2", "1.51", "0.3"], finish=False)
    test = services.test_complete(actor=verifier, test=test, failed_disposition="return_to_maker")
    new_meter.refresh_from_db()
    assert test.passed is False and new_meter.status == MeterStatus.SCRAPPED
    assert "returned to the maker" in new_meter.events.last().reason
    assert test.points.get(code="0.2qmax").passed is False


def test_profile_edit_makes_a_new_version_once_used(verifier, new_meter, standard):
    run_test(verifier, new_meter, standard, ["0", "0.1", "0.1"])
    edited = services.profile_save(actor=verifier, code="JJG577-2012", conditioning_hours=Decimal("6"))
    assert edited.version == 2 and edited.current
    assert RegulationProfile.objects.get(code="JJG577-2012", version=1).conditioning_hours == 4
    unused = services.profile_save(actor=verifier, code="JJG577-2012", conditioning_hours=Decimal("5"))
    assert unused.pk == edited.pk and unused.version == 2
    with pytest.raises(DispatchError) as refused:
        services.profile_save(actor=verifier, code="JJG577-2012", mpe={"1.5": {"low": "x"}})
    assert refused.value.code == "invalid"


def test_expired_standard_is_refused(verifier, new_meter, standard):
    standard.calibration_valid_until = timezone.localdate() - timedelta(days=1)
    standard.save()
    with pytest.raises(DispatchError) as refused:
        services.test_start(actor=verifier, meter=new_meter, standard=standard)
    assert refused.value.code == "standard_calibration_expired"


def test_standard_range_must_cover_the_test_points(verifier, new_meter, standard):
    standard.range_min = Decimal("0.1")
    standard.save()
    with pytest.raises(DispatchError) as refused:
        services.test_start(actor=verifier, meter=new_meter, standard=standard)
    assert refused.value.code == "flow_outside_standard_range"


@pytest.mark.parametrize(("field", "value"), [("ambient_temp_c", "22.01"), ("ambient_temp_c", "17.9"),
                                              ("ambient_pressure_kpa", "84.9"), ("humidity_pct", "76"),
                                              ("conditioning_hours", "3.9")])
def test_environment_outside_reference_conditions_is_refused(verifier, new_meter, standard, field, value):
    test = services.test_start(actor=verifier, meter=new_meter, standard=standard)
    with pytest.raises(DispatchError) as refused:
        services.environment_record(actor=verifier, test=test, **{**ENV, field: value})
    assert refused.value.code == "outside_reference_conditions" and field in refused.value.fields
    services.environment_record(actor=verifier, test=test, **{**ENV, "ambient_temp_c": "22"})


def test_point_needs_standard_and_meter_within_one_degree(verifier, new_meter, standard):
    test = services.test_start(actor=verifier, meter=new_meter, standard=standard)
    with pytest.raises(DispatchError) as refused:
        services.point_record(actor=verifier, test=test, code="qmax", v_ref="10", v_meter="10", t_ref_c="20",
                              p_ref_kpa="101", t_meter_c="21.01", p_meter_kpa="101")
    assert "t_meter_c" in refused.value.fields
    point = services.point_record(actor=verifier, test=test, code="qmax", v_ref="10", v_meter="10",
                                  t_ref_c="20", p_ref_kpa="100", t_meter_c="21", p_meter_kpa="101")
    # Hand-worked in test_calc: V_ref,corr = 9.934765 m³, E = (10 − 9.9347646) / 9.9347646 × 100 = 0.6566 %.
    assert point.v_ref_corrected == Decimal("9.934765") and point.error_rounded == Decimal("0.66")


def test_incomplete_test_cannot_be_judged(verifier, new_meter, standard):
    test = services.test_start(actor=verifier, meter=new_meter, standard=standard)
    with pytest.raises(DispatchError) as refused:
        services.test_complete(actor=verifier, test=test)
    assert refused.value.code == "test_incomplete"
    assert set(refused.value.fields) == {"environment", "points"}


def test_only_lab_staff_test(dispatcher, new_meter, standard):
    with pytest.raises(DispatchError) as refused:
        services.test_start(actor=dispatcher, meter=new_meter, standard=standard)
    assert refused.value.code == "not_lab_staff"


def test_in_service_limits_for_a_class_1_0_meter(verifier, standard, db):
    meter = MeterFactory(accuracy_class="1.0")
    test = run_test(verifier, meter, standard, ["3.9", "1.9", "-0.5"], purpose="in_service")
    assert test.limits == "in_service" and test.passed
    meter2 = MeterFactory(accuracy_class="1.0")
    failed = run_test(verifier, meter2, standard, ["0.1", "0.6", "0.3"])   # same sign, 0.6 > 0.5
    assert failed.same_sign_applied and not failed.passed


def test_batch_and_bench_csv_import(verifier, standard, db):
    meters = [MeterFactory(serial=f"B26-{n}") for n in range(3)]
    batch = services.batch_create(actor=verifier, number="DL-2026-07", received_on=timezone.localdate(),
                                  serials=[m.serial for m in meters], standard=standard, manufacturer="Goldcard")
    for test in batch.tests.all():
        services.environment_record(actor=verifier, test=test, **ENV)
    lines = ["serial,point,v_ref,v_meter,t_ref,p_ref,t_meter,p_meter"]
    for meter in meters:
        for code in ("qmin", "0.2qmax", "qmax"):
            lines.append(f"{meter.serial},{code},10.000,10.020,20.1,102.3,20.2,102.1")
    lines += ["NOPE,qmin,10,10,20,101,20,101", "B26-0,q9,10,10,20,101,20,101", "B26-1,qmin,ten,10,20,101,20,101"]
    report = services.points_import_csv(actor=verifier, text="\n".join(lines), batch=batch)
    assert report.recorded == 9
    assert [(e["line"], e["code"]) for e in report.errors] == [(11, "no_open_test"), (12, "unknown_test_point"),
                                                               (13, "invalid")]
    for test in batch.tests.all():
        assert services.test_complete(actor=verifier, test=test).passed
    assert AuditEvent.objects.filter(object_repr=batch.number).exists()


def test_profile_edited_in_the_admin_becomes_a_new_version_once_used(client, superuser, verifier, new_meter,
                                                                     standard):
    import json

    from django.forms.models import model_to_dict

    test = run_test(verifier, new_meter, standard, ["0", "0.1", "0.1"])
    used = test.profile
    form = {key: value for key, value in model_to_dict(used).items() if value is not None and key != "id"}
    form.update(test_points=json.dumps(used.test_points), mpe=json.dumps(used.mpe), conditioning_hours="6")
    client.force_login(superuser)
    response = client.post(f"/admin/meters/regulationprofile/{used.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    used.refresh_from_db()
    current = services.profile_current("JJG577-2012")
    assert (used.version, used.current, used.conditioning_hours) == (1, False, 4)
    assert (current.version, current.conditioning_hours) == (2, 6)
    test.refresh_from_db()
    assert test.profile_id == used.pk
