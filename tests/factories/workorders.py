import factory

from dispatch.workorders.models import WorkOrder

from .customers import PremisesFactory
from .org import AreaFactory


class WorkOrderFactory(factory.django.DjangoModelFactory):
    """Work orders made through the service, so numbers, SLA clocks and events are real."""

    class Meta:
        model = WorkOrder

    kind = "repair"
    area = factory.SubFactory(AreaFactory)
    premises = factory.SubFactory(PremisesFactory, area=factory.SelfAttribute("..area"))
    description = "Stove will not light"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from dispatch.workorders.services import work_order_create

        return work_order_create(actor=kwargs.pop("actor", None), **kwargs)
