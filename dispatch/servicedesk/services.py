"""Turning calls into work: a field request becomes a work order, or joins the open one for the same job."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.audit import record_event
from dispatch.common.errors import DispatchError
from dispatch.customers.models import Premises
from dispatch.org.models import Area
from dispatch.workorders import services as work_orders
from dispatch.workorders.models import Priority, Source, WorkOrder

from .complaints import open_complaint
from .models import FIELD_KIND, RequestType, ServiceRequest


@transaction.atomic
def request_intake(*, actor, request_type: str, description: str, channel: str = ServiceRequest.Channel.HOTLINE,
                   caller_name: str = "", caller_phone: str = "", premises: Premises | None = None,
                   address: str = "", lat: float | None = None, lng: float | None = None,
                   area: Area | None = None, script_answers: dict | None = None, complaint_category: str = "",
                   complained_work_order: WorkOrder | None = None) -> ServiceRequest:
    """Record the request; for field work create the work order, or link to an open one for the same job.

    A gas leak is always an emergency order, created at once, even for an address with no premises on file.
    A complaint starts its closed loop (accepted, 24-hour clock); the agent who takes the call owns the request.
    """
    if premises is None and not address and request_type in FIELD_KIND:
        raise DispatchError("invalid", _("Field work needs the premises or an address."),
                            fields={"address": [_("Give the premises or an address.")]})
    request = ServiceRequest(number=f"TMP-{timezone.now().timestamp()}", channel=channel,
                             request_type=request_type, caller_name=caller_name, caller_phone=caller_phone,
                             premises=premises, address=address or (premises.address if premises else ""),
                             description=description, script_answers=script_answers or {},
                             owner=actor if getattr(actor, "is_authenticated", False) else None)
    request.save()
    request.number = f"SR{timezone.localdate():%y%m%d}-{request.pk:07d}"
    kind = FIELD_KIND.get(request_type)
    if kind is not None:
        existing = work_orders.open_duplicate(premises=premises, kind=kind)
        if existing is not None:
            request.work_order = work_orders.link_duplicate(actor=actor, work_order=existing,
                                                            source_ref=request.number, description=description)
            request.joined_existing = True
        else:
            source = Source.FRONT_DESK if channel == ServiceRequest.Channel.FRONT_DESK else Source.HOTLINE
            request.work_order = work_orders.work_order_create(
                actor=actor, kind=kind, premises=premises, address=address, lat=lat, lng=lng, area=area,
                priority=Priority.EMERGENCY if request_type == RequestType.GAS_LEAK else None,
                description=description, source=source, source_ref=request.number,
                contact_name=caller_name, contact_phone=caller_phone)
    request.save()
    if request_type == RequestType.COMPLAINT:
        open_complaint(actor=actor, request=request, category=complaint_category, work_order=complained_work_order)
    record_event(actor=actor, action="create", instance=request,
                 changes={"request_type": request_type, "work_order": request.work_order_id,
                          "joined_existing": request.joined_existing})
    return request
