"""One dunning policy per customer class with the defaults of DOMAIN.md, for the admin to adjust."""

from django.db import migrations

CLASSES = ("residential", "commercial", "industrial", "welfare")


def seed(apps, schema_editor):
    DunningPolicy = apps.get_model("arrears", "DunningPolicy")
    for customer_class in CLASSES:
        DunningPolicy.objects.get_or_create(customer_class=customer_class)


class Migration(migrations.Migration):
    dependencies = [("arrears", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
