"""Seed rows the utility may change in the admin: the common G sizes (EN 1359) and service life per gas."""

from decimal import Decimal

from django.db import migrations

# code, qmin, qmax (m³/h); qt = 0.1 × qmax.
SIZES = [("G1.6", "0.016", "2.5"), ("G2.5", "0.025", "4"), ("G4", "0.040", "6"), ("G6", "0.060", "10"),
         ("G10", "0.100", "16"), ("G16", "0.160", "25"), ("G25", "0.250", "40")]
SERVICE_LIFE = [("ng", 10), ("lpg", 6), ("manufactured", 6)]


def seed(apps, schema_editor):
    MeterSize = apps.get_model("meters", "MeterSize")
    MeterServiceLifePolicy = apps.get_model("meters", "MeterServiceLifePolicy")
    for code, qmin, qmax in SIZES:
        MeterSize.objects.get_or_create(code=code, defaults={
            "qmin": Decimal(qmin), "qt": Decimal(qmax) / 10, "qmax": Decimal(qmax)})
    for gas_type, years in SERVICE_LIFE:
        MeterServiceLifePolicy.objects.get_or_create(gas_type=gas_type, defaults={"years": years})


class Migration(migrations.Migration):
    dependencies = [("meters", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
