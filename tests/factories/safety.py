"""Safety test helpers: premises of a class and gas type with their safety file, and jobs taken to the door."""

from datetime import date

from dispatch.customers.models import CustomerAccount, Premises
from dispatch.safety.models import SafetyFile
from dispatch.workorders import services
from dispatch.workorders.models import Status

from .customers import CustomerAccountFactory, PremisesFactory

ALL_OK = {key: True for key in ("facilities_intact", "pipes_unaltered", "hose_ok", "valves_work", "appliances_ok",
                                "no_leak", "meter_intact", "ventilation_ok")}


def premises_of(area, customer_class: str = "residential", *, gas_type: str = "ng",
                last_inspected: date | None = None, **kwargs) -> Premises:
    account = CustomerAccountFactory(customer_class=customer_class)
    premises = PremisesFactory(account=account, area=area, gas_type=gas_type, lat=22.81, lng=108.31, **kwargs)
    if last_inspected is not None:
        SafetyFile.objects.create(premises=premises, last_inspected_on=last_inspected)
    return premises


def to_site(order, technician, actor):
    """Assign the order to the technician and take it through to on site."""
    order = services.assign(work_order_id=order.pk, technician=technician, actor=actor)
    for status in (Status.DISPATCHED, Status.EN_ROUTE, Status.ON_SITE):
        order = services.transition(work_order_id=order.pk, to_status=status, actor=technician.user)
    return order


def inspection_order(premises, actor=None, **kwargs):
    return services.work_order_create(actor=actor, kind="safety_inspection", premises=premises, **kwargs)


def complete_inspection(order, technician, *, answers=None, data=None):
    payload = {"access": "inspected", "stove_pressure_kpa": "2.10", **(data or {})}
    return services.complete(work_order_id=order.pk, actor=technician.user,
                             checklist_answers={**ALL_OK, **(answers or {})}, data=payload)


__all__ = ["ALL_OK", "CustomerAccount", "complete_inspection", "inspection_order", "premises_of", "to_site"]
