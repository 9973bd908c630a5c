"""The beat task: reminders before the deadline, escalation when overdue, once a day, e-mail when turned on."""

from datetime import date, timedelta
from unittest import mock

import pytest
from django.core import mail

from dispatch.hse import services, tasks
from dispatch.hse.models import HseNotification, RiskMethodConfig
from dispatch.hse.services.reminders import run_daily_reminders
from tests.factories import StaffProfileFactory, UserFactory
from tests.factories.hse import InspectionChecklistFactory, TrainingRecordFactory, make_hazard, make_nonconformity

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture
def owner(office):
    user = UserFactory(username="owner1", roles=["technician"], email="owner@example.com")
    StaffProfileFactory(user=user, office=office)
    return user


@pytest.fixture
def action_due(safety_officer, owner, office):
    def make(deadline: date):
        nc = make_nonconformity(actor=safety_officer, office=office, responsible=safety_officer)
        return services.action_add(actor=safety_officer, nonconformity_id=nc.pk, kind="corrective",
                                   description="Replace corroded riser clamp", owner=owner, deadline=deadline)
    return make


def topics(user):
    return sorted(HseNotification.objects.filter(recipient=user).values_list("topic", flat=True))


def test_owner_is_reminded_ten_days_before_the_deadline_once(action_due, owner, safety_officer):
    action_due(TODAY + timedelta(days=11))
    action = action_due(TODAY + timedelta(days=10))

    assert run_daily_reminders(TODAY)["actions_reminded"] == 1
    assert topics(owner) == ["capa_due"]
    assert topics(safety_officer) == []
    action.refresh_from_db()
    assert action.reminded_on == TODAY

    # Again the same day, and the next day: nothing new for this action; the other enters the window.
    assert run_daily_reminders(TODAY)["actions_reminded"] == 0
    assert run_daily_reminders(TODAY + timedelta(days=1))["actions_reminded"] == 1
    assert topics(owner) == ["capa_due", "capa_due"]


def test_reminder_days_are_configurable(action_due, owner):
    config = RiskMethodConfig.defaults()
    config.action_reminder_days = 3
    config.save()
    action_due(TODAY + timedelta(days=4))
    assert run_daily_reminders(TODAY)["actions_reminded"] == 0
    assert run_daily_reminders(TODAY + timedelta(days=1))["actions_reminded"] == 1


def test_overdue_actions_escalate_to_officers_and_heads_and_repeat_weekly(action_due, owner, safety_officer,
                                                                         other_safety_officer, manager):
    action = action_due(TODAY - timedelta(days=1))

    result = run_daily_reminders(TODAY)
    assert result["actions_escalated"] == 1
    for user in (owner, safety_officer, manager):
        assert topics(user) == ["capa_overdue"], user
    assert topics(other_safety_officer) == []  # another office's officer
    action.refresh_from_db()
    assert (action.escalated_on, action.escalations) == (TODAY, 1)

    assert run_daily_reminders(TODAY)["actions_escalated"] == 0
    for days in range(1, 7):
        assert run_daily_reminders(TODAY + timedelta(days=days))["actions_escalated"] == 0
    assert run_daily_reminders(TODAY + timedelta(days=7))["actions_escalated"] == 1
    assert topics(manager) == ["capa_overdue", "capa_overdue"]
    action.refresh_from_db()
    assert action.escalations == 2


def test_done_actions_are_left_alone(action_due, owner, safety_officer):
    action = action_due(TODAY - timedelta(days=2))
    services.action_complete(actor=owner, action_id=action.pk, result="Clamp replaced")
    assert run_daily_reminders(TODAY)["actions_escalated"] == 0
    assert topics(owner) == []


def test_the_beat_task_runs_the_service_and_e_mails_when_turned_on(action_due, owner, safety_officer, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.DISPATCH_EMAIL_NOTIFICATIONS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    action_due(date.today() - timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_hse_reminders.delay().get()

    assert result["actions_escalated"] == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["owner@example.com", "safety@example.com"]
    assert "Overdue" in mail.outbox[0].body or "逾期" in mail.outbox[0].body


def test_beat_schedule_lists_the_task(settings):
    entry = next(item for item in settings.CELERY_BEAT_SCHEDULE.values()
                 if item["task"] == "dispatch.hse.tasks.send_hse_reminders")
    assert float(entry["schedule"]) <= 24 * 3600


def test_review_training_and_self_inspection_reminders(safety_officer, office):
    hazard = make_hazard(office=office, responsible=safety_officer, analysis_date=TODAY - timedelta(days=300),
                         review_date=TODAY + timedelta(days=14))
    person = StaffProfileFactory(office=office)
    TrainingRecordFactory(staff=person, course="Confined space entry", completed_on=TODAY - timedelta(days=700),
                          valid_until=TODAY + timedelta(days=20))
    renewed = StaffProfileFactory(office=office)
    TrainingRecordFactory(staff=renewed, course="First aid", completed_on=TODAY - timedelta(days=700),
                          valid_until=TODAY + timedelta(days=5))
    TrainingRecordFactory(staff=renewed, course="First aid", completed_on=TODAY - timedelta(days=1),
                          valid_until=TODAY + timedelta(days=700))
    InspectionChecklistFactory(office=office, next_due=TODAY, responsible=safety_officer)

    result = run_daily_reminders(TODAY)

    assert result == {"actions_reminded": 0, "actions_escalated": 0, "reviews": 1, "training_expiring": 1,
                      "self_inspections_due": 1}
    assert topics(safety_officer) == ["hazard_review", "self_inspection_due", "training_expiring"]
    assert topics(person.user) == ["training_expiring"]
    assert topics(renewed.user) == []
    assert run_daily_reminders(TODAY) == dict.fromkeys(result, 0)
    assert hazard.pk


def test_a_notification_is_made_once_per_key_even_if_the_claim_is_lost(owner):
    from dispatch.hse.services.reminders import notify

    assert notify([owner, owner], topic="t", key="k", message="m") == 1
    with mock.patch("dispatch.hse.services.reminders.settings") as fake:
        fake.DISPATCH_EMAIL_NOTIFICATIONS = False
        assert notify([owner], topic="t", key="k", message="m") == 0
    assert HseNotification.objects.count() == 1
