"""The hazard register: evaluation on save, every change versioned with who and why, controls, scoping."""

from datetime import date
from decimal import Decimal

import pytest

from dispatch.common.errors import Conflict, DispatchError
from dispatch.common.models import AppendOnlyError
from dispatch.hse import selectors, services
from dispatch.hse.models import EntryKind, HazardCategory, HazardControl, RiskMethod
from tests.factories import UserFactory
from tests.factories.hse import HazardRegisterFactory, make_hazard

pytestmark = pytest.mark.django_db


def test_an_entry_is_evaluated_numbered_and_versioned(safety_officer):
    hazard = make_hazard(actor=safety_officer, reason="Annual hazard identification")

    assert hazard.number.startswith("HZ-")
    assert (hazard.score, hazard.band, hazard.significant) == (Decimal("126"), "significant", True)
    revision = hazard.revisions.get()
    assert (revision.version, revision.action, revision.actor, revision.reason) == (
        1, "created", safety_officer, "Annual hazard identification")
    assert revision.snapshot["band"] == "significant"


def test_an_update_needs_a_reason_and_leaves_a_revision_with_the_diff(safety_officer):
    hazard = make_hazard(actor=safety_officer)

    with pytest.raises(DispatchError) as refused:
        services.hazard_update(actor=safety_officer, hazard_id=hazard.pk, reason=" ", changes={"lec_l": Decimal("1")})
    assert refused.value.code == "reason_required"

    hazard = services.hazard_update(actor=safety_officer, hazard_id=hazard.pk, reason="Leak detectors fitted",
                                    changes={"lec_l": Decimal("1"), "residual_lec_l": Decimal("0.5"),
                                             "residual_lec_e": Decimal("6"), "residual_lec_c": Decimal("7")},
                                    expected_version=1)
    assert (hazard.version, hazard.score, hazard.band, hazard.significant) == (2, Decimal("42"), "general", False)
    assert (hazard.residual_score, hazard.residual_band) == (Decimal("21.0"), "general")
    revision = hazard.revisions.order_by("version").last()
    assert (revision.version, revision.reason, revision.actor) == (2, "Leak detectors fitted", safety_officer)
    assert revision.changes["band"] == ["significant", "general"]
    assert revision.changes["significant"] == [True, False]

    with pytest.raises(Conflict) as stale:
        services.hazard_update(actor=safety_officer, hazard_id=hazard.pk, reason="x",
                               changes={"lec_c": Decimal("15")}, expected_version=1)
    assert stale.value.code == "stale_version"


def test_revisions_are_append_only(safety_officer):
    revision = make_hazard(actor=safety_officer).revisions.get()
    revision.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        revision.save()
    with pytest.raises(AppendOnlyError):
        revision.delete()


def test_matrix_register_and_environmental_aspects(safety_officer):
    register = HazardRegisterFactory(method=RiskMethod.MATRIX, name="Environment")
    aspect = make_hazard(register=register, kind=EntryKind.ASPECT, category=HazardCategory.EMISSION,
                         activity="Purging new service lines", description="Natural gas vented to air",
                         likelihood=4, severity=4)

    assert aspect.number.startswith("EA-")
    assert (aspect.score, aspect.band, aspect.significant) == (16, "high", True)
    assert aspect.lec_l is None

    with pytest.raises(DispatchError) as refused:
        make_hazard(register=register, kind=EntryKind.HAZARD, category=HazardCategory.EMISSION)
    assert "category" in refused.value.fields
    with pytest.raises(DispatchError) as refused:
        make_hazard(register=register, likelihood=None)
    assert "likelihood" in refused.value.fields


def test_acceptability_needs_a_justification_and_residual_must_be_whole(safety_officer):
    with pytest.raises(DispatchError) as refused:
        make_hazard(acceptable=True)
    assert "acceptability_justification" in refused.value.fields
    with pytest.raises(DispatchError):
        make_hazard(residual_lec_l=Decimal("1"))
    assert make_hazard(acceptable=False, acceptability_justification="Needs engineering controls").acceptable is False


def test_controls_are_versioned_and_current_controls_take_hazards_off_the_list(safety_officer):
    hazard = make_hazard(actor=safety_officer)
    assert list(selectors.significant_without_controls(user=safety_officer)) == [hazard]

    control = services.control_add(actor=safety_officer, hazard_id=hazard.pk, reason="Toolbox talk agreed",
                                   control_type="administrative", description="Permit to work before cutting",
                                   owner=safety_officer, due_date=date(2026, 3, 1))
    assert list(selectors.significant_without_controls(user=safety_officer)) == [hazard]  # only planned

    services.control_update(actor=safety_officer, control_id=control.pk, reason="In use since March",
                            changes={"status": HazardControl.Status.IN_PLACE})
    assert list(selectors.significant_without_controls(user=safety_officer)) == []
    actions = list(hazard.revisions.order_by("version").values_list("action", "version"))
    assert actions == [("created", 1), ("control_added", 2), ("control_changed", 3)]
    last = hazard.revisions.order_by("version").last()
    assert last.snapshot["controls"][0]["status"] == "in_place"


def test_scoping_by_office(safety_officer, other_safety_officer, office, other_office, manager):
    mine = make_hazard(office=office)
    theirs = make_hazard(office=other_office)
    department = make_hazard()
    dispatcher = UserFactory(roles=["dispatcher"])

    assert set(selectors.hazard_list(user=safety_officer)) == {mine, department}
    assert set(selectors.hazard_list(user=other_safety_officer)) == {theirs, department}
    assert set(selectors.hazard_list(user=manager)) == {mine, theirs, department}
    assert list(selectors.hazard_list(user=dispatcher)) == []
