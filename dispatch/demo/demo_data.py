"""Demo work orders: a morning's queue per office, each technician's day, and some finished history.

Made through the work-order services, so numbers, SLA clocks, assignment rules and events are the real ones.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dispatch.arrears.models import Bill
from dispatch.customers.models import Premises
from dispatch.hse.models import HazardRegister, RiskMethod
from dispatch.hse.services import hazard_create
from dispatch.workorders import services
from dispatch.workorders.assignment import assignment_refusal
from dispatch.workorders.models import Source

from .registry import DemoContext, register

# Kinds of a normal day and how often each comes up.
DAY_MIX = [("repair", 8), ("meter_reading", 10), ("safety_inspection", 8), ("arrears_visit", 4),
           ("hazard_rectification", 3), ("meter_replacement", 2), ("pressure_check", 2), ("reconnection", 2),
           ("commissioning", 1), ("meter_running_check", 1), ("meter_box_maintenance", 1)]
REPAIR_DONE = {"checklist_answers": {"leak_test_done": True, "supply_restored_safely": True},
               "data": {"fault_found": "灶具点火针积碳", "work_done": "清洁点火针，试火正常"}}


def _window(rng: random.Random, day) -> tuple[datetime | None, datetime | None]:
    if rng.random() > 0.4:
        return None, None
    start = timezone.make_aware(datetime.combine(day, time(rng.choice([9, 10, 14, 15]))))
    return start, start + timedelta(hours=2)


def _open_orders(rng: random.Random, context: DemoContext, premises: list[Premises], count: int) -> list:
    agent = context.users.get("agent")
    kinds = [kind for kind, weight in DAY_MIX for _ in range(weight)]
    orders = []
    for place in rng.sample(premises, min(count, len(premises))):
        start, end = _window(rng, context.today)
        orders.append(services.work_order_create(
            actor=agent, kind=rng.choice(kinds), premises=place, window_start=start, window_end=end,
            scheduled_date=context.today, source=rng.choice([Source.HOTLINE, Source.PLAN, Source.PLAN]),
            description=""))
    return orders


def _arrears_behind_visits(rng: random.Random, context: DemoContext, orders: list) -> None:
    """Unpaid bills two and three months old behind each arrears visit, so the phone shows a real balance."""
    for order in orders:
        if order.kind != "arrears_visit" or order.premises is None:
            continue
        for months_back in (3, 2):
            period = (context.today.replace(day=1) - timedelta(days=28 * months_back)).replace(day=1)
            issued = timezone.make_aware(datetime.combine(period + timedelta(days=27), time(9)))
            # An account with two premises can get two visits: its bills are made once.
            Bill.objects.get_or_create(
                reference=f"DEMO-{order.premises.account.account_no}-{period:%Y%m}",
                defaults={"account": order.premises.account, "period": period, "issued_at": issued,
                          "amount": Decimal(rng.randrange(8000, 40000)) / 100, "due_date": period + timedelta(days=50)})


def _plan_day(context: DemoContext, orders: list) -> None:
    """Give each order to the first technician of its office who may take it, a handful of jobs each."""
    dispatcher = context.users.get("dispatcher")
    load: dict[int, int] = {}
    for order in orders:
        for technician in context.technicians:
            if load.get(technician.pk, 0) >= 6 or assignment_refusal(order, technician) is not None:
                continue
            load[technician.pk] = load.get(technician.pk, 0) + 1
            services.assign(work_order_id=order.pk, technician=technician, actor=dispatcher,
                            sequence=load[technician.pk])
            break


def _history(rng: random.Random, context: DemoContext, premises: list[Premises]) -> None:
    """The last working day's repairs, done and closed, so premises have a history."""
    dispatcher = context.users.get("dispatcher")
    yesterday = context.today - timedelta(days=1)
    while yesterday.weekday() >= 5:
        yesterday -= timedelta(days=1)
    for place in rng.sample(premises, min(20, len(premises))):
        order = services.work_order_create(actor=dispatcher, kind="repair", premises=place, scheduled_date=yesterday)
        technician = next((tech for tech in context.technicians
                           if assignment_refusal(order, tech, day=yesterday) is None), None)
        if technician is None:
            continue
        services.assign(work_order_id=order.pk, technician=technician, actor=dispatcher)
        for step in ("dispatched", "en_route", "on_site"):
            services.transition(work_order_id=order.pk, to_status=step, actor=technician.user)
        services.complete(work_order_id=order.pk, actor=technician.user, **REPAIR_DONE)
        services.transition(work_order_id=order.pk, to_status="closed", actor=dispatcher)


@register
def seed_work_orders(rng: random.Random, context: DemoContext) -> None:
    if not context.premises_ids or not context.technicians:
        return
    sample_ids = rng.sample(context.premises_ids, min(len(context.premises_ids), 400))
    premises = list(Premises.objects.filter(pk__in=sample_ids).select_related("account", "area").order_by("pk"))
    orders = _open_orders(rng, context, premises[:150], 150)
    _arrears_behind_visits(rng, context, orders)
    _plan_day(context, orders[:110])
    for place in premises[150:153]:
        services.work_order_create(actor=context.users.get("agent"), kind="emergency", premises=place,
                                   description="用户报告厨房有燃气味")
    _history(rng, context, premises[160:])


# The department's first register entries (LEC, DOMAIN.md tables): what the HSE pages show on a new system.
HSE_ENTRIES = [
    ("户内管道带气作业", "接头打开时燃气泄漏，遇明火爆炸", "fire_explosion", "3", "6", "15"),
    ("调压箱检修", "密闭空间燃气积聚导致窒息", "asphyxiation", "1", "3", "15"),
    ("高层外墙立管巡检", "高处坠落", "work_at_height", "3", "2", "15"),
    ("抢修车辆夜间行驶", "交通事故", "traffic", "1", "6", "7"),
    ("营业厅日常办公", "电气线路老化引发火灾", "electrical", "0.5", "6", "3"),
]


@register
def seed_hse_register(rng: random.Random, context: DemoContext) -> None:
    office = context.offices.get("QX")
    officer = context.users.get("safety")
    if office is None or officer is None:
        return
    register = HazardRegister.objects.create(name="青秀营业所危险源辨识清单", method=RiskMethod.LEC, office=office)
    for activity, description, category, likelihood, exposure, consequence in HSE_ENTRIES:
        hazard_create(actor=officer, register=register, responsible=officer, activity=activity,
                      description=description, category=category, lec_l=Decimal(likelihood),
                      lec_e=Decimal(exposure), lec_c=Decimal(consequence), analysis_date=context.today,
                      reason="初始辨识")
