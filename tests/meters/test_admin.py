from datetime import date

import pytest

from dispatch.meters.models import MeterServiceLifePolicy
from tests.factories.meters import MeterFactory

pytestmark = pytest.mark.django_db


def test_policy_change_in_the_admin_recomputes_expiry(client, superuser):
    meter = MeterFactory(gas_type="lpg", manufactured_on=date(2021, 6, 1))
    policy = MeterServiceLifePolicy.objects.get(gas_type="lpg")
    client.force_login(superuser)

    response = client.post(f"/admin/meters/meterservicelifepolicy/{policy.pk}/change/",
                           {"gas_type": "lpg", "years": "8"})

    assert response.status_code == 302
    meter.refresh_from_db()
    assert meter.service_life_expires_on == date(2029, 6, 1)


def test_meter_added_in_the_admin_goes_through_the_service(client, superuser):
    client.force_login(superuser)
    from dispatch.meters.models import Meter, MeterSize

    response = client.post("/admin/meters/meter/add/", {
        "serial": "ADM-1", "manufacturer": "Goldcard", "model": "G4-D", "meter_type": "diaphragm",
        "size": MeterSize.objects.get(code="G4").pk, "accuracy_class": "1.5", "gas_type": "ng",
        "manufactured_on": "2024-02-02", "location": "indoor",
        "installations-TOTAL_FORMS": "0", "installations-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"})

    assert response.status_code == 302, response.content[:2000]
    meter = Meter.objects.get(serial="ADM-1")
    assert meter.service_life_expires_on == date(2034, 2, 2) and meter.events.get().to_status == "in_stock"
