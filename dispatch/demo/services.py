"""Fills an empty database with a demo city: offices, areas, skills, staff for every role, customers."""

import random
from datetime import date

from django.contrib.auth.hashers import make_password
from django.db import transaction

from dispatch.org.models import ServiceOffice
from dispatch.org.services import area_create

from . import names, registry
from .city import DISTRICTS, PlacedArea
from .customers import create_customers
from .staff import DEMO_PASSWORD, create_skills, create_staff


def _stream(seed: int, part: str) -> random.Random:
    """A random generator of its own for each part, so that e.g. more technicians leave the customers unchanged."""
    return random.Random(f"{seed}:{part}")


def _create_city(rng: random.Random) -> tuple[dict[str, ServiceOffice], list[PlacedArea]]:
    offices: dict[str, ServiceOffice] = {}
    areas: list[PlacedArea] = []
    for district in DISTRICTS:
        boxes = district.area_boxes()
        office_lat, office_lng = boxes[len(boxes) // 2].centre()
        office = ServiceOffice.objects.create(
            code=district.office_code, name=district.office_name, phone=names.landline(rng),
            address=f"南宁市{district.name}{district.streets[0]} {rng.randint(1, 300)} 号", lat=office_lat,
            lng=office_lng)
        offices[office.code] = office
        for index, (area_name, box) in enumerate(zip(district.area_names, boxes, strict=True)):
            # Through the service, which validates the boundary and stores its bounding box for area_containing.
            area = area_create(actor=None, code=f"{district.office_code}-{index + 1:02d}", name=f"{area_name}片区",
                               office=office, boundary=box.polygon(), travel_speed_kmh=district.travel_speed_kmh)
            areas.append(PlacedArea(area, district, box, district.streets_of_area(index)))
    return offices, areas


def _run_hooks(seed: int, context: registry.DemoContext) -> None:
    for hook in registry.registered():
        hook(_stream(seed, f"hook:{hook.__module__}.{hook.__qualname__}"), context)


@transaction.atomic
def seed_demo(*, customers: int, technicians: int, seed: int, today: date) -> registry.DemoContext:
    """Create the demo data set, then let the registered apps add theirs. Expects a database without offices.

    One transaction: a failure leaves the database as it was, so `seed_demo --if-empty` can simply run again.
    """
    offices, areas = _create_city(_stream(seed, "city"))
    users, technician_profiles = create_staff(
        _stream(seed, "staff"), technicians=technicians, offices=offices, areas=areas, skills=create_skills(),
        password_hash=make_password(DEMO_PASSWORD), today=today)
    premises_ids = create_customers(_stream(seed, "customers"), areas, customers)
    context = registry.DemoContext(
        today=today, offices=offices, areas={placed.area.code: placed.area for placed in areas},
        technicians=technician_profiles, users=users, premises_ids=premises_ids)
    _run_hooks(seed, context)
    return context

