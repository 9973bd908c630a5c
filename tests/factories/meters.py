from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from dispatch.meters.models import Meter, MeterSize


class MeterFactory(factory.django.DjangoModelFactory):
    """Meters registered through the service, so the service life and the first event are real."""

    class Meta:
        model = Meter

    serial = factory.Sequence(lambda n: f"M{n:08d}")
    manufacturer = "Goldcard"
    model = "G4-D"
    meter_type = "diaphragm"
    size = factory.LazyFunction(lambda: MeterSize.objects.get(code="G4"))
    accuracy_class = "1.5"
    gas_type = "ng"
    manufactured_on = date(2022, 3, 1)
    first_verified_on = date(2022, 4, 1)
    first_verification_certificate_no = factory.Sequence(lambda n: f"JD-{n:06d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from dispatch.meters.services import meter_register

        return meter_register(actor=kwargs.pop("actor", None), **kwargs)


def installed_meter(premises, *, opening="0", installed_at=None, **kwargs) -> Meter:
    """A meter registered and installed at the premises (opening reading `opening`)."""
    from dispatch.meters.services import meter_install

    meter = MeterFactory(**kwargs)
    meter_install(actor=None, premises=premises, meter=meter, opening_reading=Decimal(opening),
                  installed_at=installed_at or timezone.now() - timedelta(days=400))
    meter.refresh_from_db()
    return meter
