"""A customer's meter complaint: the lab's result reaches the service-desk complaint and its owner."""

from datetime import date

from dispatch.meters.lab import complaint
from dispatch.servicedesk.models import Complaint, ComplaintEvent
from dispatch.servicedesk.services import request_intake
from dispatch.workorders.models import Notification

from .conftest import run_test


def test_the_lab_result_is_kept_on_the_complaint_and_sent_to_its_owner(removed_for_complaint, verifier, standard,
                                                                       premises, agent):
    request = request_intake(actor=agent, request_type="complaint", premises=premises,
                             description="My meter runs fast", caller_phone="13800000000")
    filed = Complaint.objects.get(request=request)
    test = run_test(verifier, removed_for_complaint, standard, ["4.1", "3.5", "3.2"], purpose="complaint",
                    complaint_ref=filed.number, complaint_on=date(2026, 10, 15))

    outcome = complaint.complaint_meter_test_result(actor=verifier, test=test)

    event = ComplaintEvent.objects.filter(complaint=filed, data__lab_test=test.pk).get()
    assert event.data["ran_fast"] is True and event.data["customer_message"] == outcome.customer_message
    assert Notification.objects.filter(recipient=agent, topic=f"lab_result:{filed.pk}").exists()
