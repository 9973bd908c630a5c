"""The shipped regulation profiles (DOMAIN.md "Gas meters"); editable in the admin, each edit a new version."""

from django.db import migrations

MPE = {"1.5": {"low": "3", "high": "1.5"}, "1.0": {"low": "2", "high": "1", "same_sign": "0.5"}}
PROFILES = [
    {"code": "JJG577-2012", "name": "JJG 577-2012 膜式燃气表 Diaphragm gas meters",
     "procedure": "JJG 577-2012《膜式燃气表检定规程》",
     # qmin, 0.2·qmax, qmax: from a secondary source (unconfirmed against the regulation's text).
     "test_points": [{"code": "qmin", "basis": "qmin", "factor": "1"},
                     {"code": "0.2qmax", "basis": "qmax", "factor": "0.2"},
                     {"code": "qmax", "basis": "qmax", "factor": "1"}]},
    {"code": "OIML-R137", "name": "OIML R137-1 / EN 1359 Gas meters",
     "procedure": "OIML R137-1&2:2012 / EN 1359",
     "test_points": [{"code": "qmin", "basis": "qmin", "factor": "1"},
                     {"code": "qt", "basis": "qt", "factor": "1"},
                     {"code": "qmax", "basis": "qmax", "factor": "1"}]},
]


def forwards(apps, schema_editor):
    Profile = apps.get_model("meters", "RegulationProfile")
    for row in PROFILES:
        if not Profile.objects.filter(code=row["code"]).exists():
            Profile.objects.create(version=1, current=True, mpe=MPE, **row)


class Migration(migrations.Migration):
    dependencies = [("meters", "0004_lab")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
