"""Factories for the HSE records. Register entries go through the service so that they are evaluated."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from dispatch.hse import services
from dispatch.hse.models import (
    HazardCategory,
    HazardRegister,
    InspectionChecklist,
    RiskMethod,
    TrainingRecord,
)

from .org import StaffProfileFactory, UserFactory


class HazardRegisterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HazardRegister

    name = factory.Sequence(lambda n: f"Register {n}")
    method = RiskMethod.LEC


def make_hazard(*, register=None, actor=None, responsible=None, **fields):
    """A register entry through `services.hazard_create` (LEC 3 × 6 × 7 = 126 unless told otherwise)."""
    register = register or HazardRegisterFactory()
    responsible = responsible or UserFactory(roles=["safety_officer"])
    defaults = {"activity": "Indoor pipe repair", "description": "Gas escape while the joint is open",
                "category": HazardCategory.FIRE_EXPLOSION, "analysis_date": date(2026, 1, 5)}
    if register.method == RiskMethod.LEC:
        defaults.update(lec_l=Decimal("3"), lec_e=Decimal("6"), lec_c=Decimal("7"))
    else:
        defaults.update(likelihood=3, severity=3)
    defaults.update(fields)
    return services.hazard_create(actor=actor, register=register, responsible=responsible, **defaults)


def make_nonconformity(*, actor=None, **fields):
    fields.setdefault("title", "Regulator cabinet left unlocked")
    return services.nonconformity_create(actor=actor, **fields)


class InspectionChecklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionChecklist

    name = factory.Sequence(lambda n: f"Monthly office self-inspection {n}")
    items = ["Extinguishers inspected and in date", "Gas detectors calibrated", "Emergency exits clear"]
    every_days = 30
    next_due = factory.LazyFunction(timezone.localdate)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    staff = factory.SubFactory(StaffProfileFactory)
    course = "Gas safety awareness"
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=300))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=65))
