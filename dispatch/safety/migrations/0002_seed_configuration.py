"""DOMAIN.md defaults: intervals, grade deadlines, pressure ranges, hazard types and checklist version 1."""

from decimal import Decimal

from django.db import migrations

INTERVALS = {"residential": 24, "commercial": 12, "industrial": 12, "welfare": 12}
GRADE_DAYS = {1: 0, 2: 7, 3: 30}
# Rated Pn: NG 2.0 kPa, LPG 2.8 kPa (unconfirmed); accept 0.75–1.5 × Pn.
PRESSURES = {"ng": Decimal("2.0"), "lpg": Decimal("2.8")}

# code, name, default grade, customer must act, gas theft
HAZARD_TYPES = [
    ("gas_leak", "Gas leak found", 1, False, False),
    ("aged_rubber_hose", "Aged rubber hose", 2, False, False),
    ("stove_over_age", "Stove past its service life (8 years)", 2, True, False),
    ("no_flame_failure_device", "Stove without a flame-failure device", 2, True, False),
    ("flued_heater_no_flue", "Flued water heater without a flue, or flue not taken outside", 1, False, False),
    ("direct_exhaust_heater", "Direct-exhaust water heater", 1, True, False),
    ("heater_in_bathroom", "Water heater in a bathroom", 1, False, False),
    ("lpg_beside_piped_gas", "LPG bottle beside piped gas", 1, True, False),
    ("meter_or_appliance_in_bedroom", "Meter or appliance in a bedroom, bathroom or changing room, hot or damp",
     2, False, False),
    ("private_alteration", "Private connection or alteration of the gas pipes", 2, False, False),
    ("valve_faulty", "Valve does not work", 2, False, False),
    ("meter_damaged", "Meter or meter box damaged or rusted", 3, False, False),
    ("poor_ventilation", "Poor ventilation", 3, True, False),
    ("missing_retrofit", "Compulsory retrofit missing (self-closing valve, metal hose, alarm)", 3, True, False),
    ("gas_theft", "Gas theft (meter tampering, taking gas before the meter)", 1, False, True),
]


def _item(key, label, answer="yes_no", required=True, hazard_type="", section="", choices=()):
    item = {"key": key, "label": label, "answer": answer, "required": required, "section": section}
    if hazard_type:
        item["hazard_type"] = hazard_type
    if choices:
        item["choices"] = list(choices)
    return item


def checklist(customer_class: str, gas_type: str) -> list[dict]:
    """CJJ 51 §3.5.1 items (the kind's checklist keys first), then the details DOMAIN.md lists."""
    items = [
        _item("facilities_intact", "User facilities intact", section="facilities"),
        _item("pipes_unaltered", "Pipes not altered, not used as earth, no rust, nothing hung on them",
              hazard_type="private_alteration", section="pipes"),
        _item("hose_ok", "Hose firm, not over-long, not aged", hazard_type="aged_rubber_hose", section="hoses"),
        _item("hose_material", "Hose material", answer="choice", required=False, section="hoses",
              choices=("metal_corrugated", "rubber", "reinforced_plastic", "none")),
        _item("hose_age_years", "Hose age (years)", answer="number", required=False, section="hoses"),
        _item("valves_work", "Valves work", hazard_type="valve_faulty", section="valves"),
        _item("appliances_ok", "Appliances installed and used to the rules", section="appliances"),
        _item("stove_within_life", "Stove within its service life (8 years)", required=False,
              hazard_type="stove_over_age", section="appliances"),
        _item("flame_failure_device", "Stove has a flame-failure device", required=False,
              hazard_type="no_flame_failure_device", section="appliances"),
        _item("heater_flue_ok", "Water heater flued and the flue taken outside", required=False,
              hazard_type="flued_heater_no_flue", section="appliances"),
        _item("heater_not_in_bathroom", "Water heater not in a bathroom", required=False,
              hazard_type="heater_in_bathroom", section="appliances"),
        _item("room_ok", "Meter and appliances not in a bedroom, bathroom or changing room", required=False,
              hazard_type="meter_or_appliance_in_bedroom", section="appliances"),
        _item("no_leak", "No leak found with the detector", hazard_type="gas_leak", section="leak_test"),
        _item("leak_detector_reading", "Leak detector reading (%LEL)", answer="number", required=False,
              section="leak_test"),
        _item("stove_pressure_normal", "Stove-front pressure in the accept range", required=False,
              section="pressure"),
        _item("meter_intact", "Meter intact", hazard_type="meter_damaged", section="meter"),
        _item("ventilation_ok", "Ventilation and flue in order", hazard_type="poor_ventilation",
              section="ventilation"),
        _item("retrofit_self_closing_valve", "Self-closing valve fitted", required=False,
              hazard_type="missing_retrofit", section="retrofits"),
        _item("retrofit_metal_hose", "Metal corrugated hose fitted", required=False,
              hazard_type="missing_retrofit", section="retrofits"),
    ]
    if gas_type == "ng":
        items.insert(12, _item("no_lpg_bottle", "No LPG bottle beside the piped gas", required=False,
                               hazard_type="lpg_beside_piped_gas", section="appliances"))
    if customer_class != "residential":
        items += [
            _item("retrofit_gas_alarm", "Gas alarm fitted", hazard_type="missing_retrofit", section="retrofits"),
            _item("retrofit_shutoff_valve", "Emergency shut-off valve fitted", hazard_type="missing_retrofit",
                  section="retrofits"),
        ]
    return items


def seed(apps, schema_editor):
    InspectionInterval = apps.get_model("safety", "InspectionInterval")
    HazardGradePolicy = apps.get_model("safety", "HazardGradePolicy")
    SafetyPolicy = apps.get_model("safety", "SafetyPolicy")
    PressureRange = apps.get_model("safety", "PressureRange")
    HazardType = apps.get_model("safety", "HazardType")
    ChecklistTemplate = apps.get_model("safety", "ChecklistTemplate")
    for customer_class, months in INTERVALS.items():
        InspectionInterval.objects.get_or_create(customer_class=customer_class, defaults={"months": months})
    for grade, days in GRADE_DAYS.items():
        HazardGradePolicy.objects.get_or_create(grade=grade, defaults={"rectify_within_days": days})
    if not SafetyPolicy.objects.exists():
        SafetyPolicy.objects.create()
    for gas_type, rated in PRESSURES.items():
        PressureRange.objects.get_or_create(gas_type=gas_type, defaults={
            "rated_kpa": rated, "min_kpa": rated * Decimal("0.75"), "max_kpa": rated * Decimal("1.5")})
    for code, name, grade, customer, theft in HAZARD_TYPES:
        HazardType.objects.get_or_create(code=code, defaults={"name": name, "default_grade": grade,
                                                              "customer_must_act": customer, "is_theft": theft})
    for customer_class in INTERVALS:
        for gas_type in PRESSURES:
            ChecklistTemplate.objects.get_or_create(customer_class=customer_class, gas_type=gas_type, version=1,
                                                    defaults={"items": checklist(customer_class, gas_type)})


class Migration(migrations.Migration):
    dependencies = [("safety", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
