"""The daily reminder run (Celery beat calls it through `tasks.send_hse_reminders`).

Idempotent per day: every reminder is claimed with a conditional UPDATE of its "notified on" date, and every
notification carries a key unique per recipient, so a second run the same day (or two workers at once) sends
nothing twice.

- CAPA actions: the owner is reminded once, `action_reminder_days` (default 10) before the deadline; an overdue
  action is escalated on its first overdue day and again every `escalation_repeat_days` (default 7) to the owner,
  the nonconformity's responsible person, the office's safety officers and the department heads.
- Register entries: the responsible person is reminded `review_reminder_days` before the review date.
- Training: a competence expiring within `training_warning_days` warns the person and the safety officers.
- Self-inspections: a checklist due today or overdue tells its responsible person and the safety officers.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.common.roles import Role

from ..models import CapaAction, Hazard, HseNotification, InspectionChecklist, NcStatus, TrainingRecord
from ..risk import risk_config


def safety_officers(office_id: int | None):
    users = get_user_model().objects.filter(groups__name=Role.SAFETY_OFFICER, is_active=True)
    if office_id is not None:
        users = users.filter(Q(staff__office_id=office_id) | Q(staff__additional_offices__id=office_id))
    return users.distinct()


def department_heads():
    return get_user_model().objects.filter(groups__name=Role.MANAGER, is_active=True).distinct()


def notify(recipients, *, topic: str, key: str, message: str) -> int:
    """In-app notification for each recipient (once per key) and, when the site turns e-mail on, an e-mail."""
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return 0
    already = set(HseNotification.objects.filter(recipient_id__in=people, key=key).values_list("recipient_id",
                                                                                                flat=True))
    fresh = [user for pk, user in people.items() if pk not in already]
    HseNotification.objects.bulk_create(
        [HseNotification(recipient=user, topic=topic, key=key[:80], message=message[:300]) for user in fresh],
        ignore_conflicts=True)
    emails = sorted({user.email for user in fresh if user.email})
    if emails and settings.DISPATCH_EMAIL_NOTIFICATIONS:
        from ..tasks import send_hse_email

        transaction.on_commit(lambda: send_hse_email.delay(emails, message[:300]))
    return len(fresh)


def _claim(model, pk: int, field: str, today: date, condition: Q) -> bool:
    """Mark the row notified today unless another run got there first."""
    return bool(model.objects.filter(Q(pk=pk) & condition).update(**{field: today}))


def _action_reminders(today: date, config) -> tuple[int, int]:
    reminded = escalated = 0
    open_actions = CapaAction.objects.filter(status=CapaAction.Status.OPEN).exclude(
        nonconformity__status__in=[NcStatus.DONE, NcStatus.CANCELLED]).select_related(
        "owner", "nonconformity__responsible")
    horizon = today + timedelta(days=config.action_reminder_days)
    for action in open_actions.filter(deadline__gte=today, deadline__lte=horizon, reminded_on__isnull=True):
        if not _claim(CapaAction, action.pk, "reminded_on", today, Q(reminded_on__isnull=True)):
            continue
        nc = action.nonconformity
        notify([action.owner], topic="capa_due", key=f"capa:{action.pk}:due",
               message=_("Action due on %(deadline)s for %(number)s: %(action)s") % {
                   "deadline": action.deadline.isoformat(), "number": nc.number, "action": action.description[:120]})
        reminded += 1
    repeat = timedelta(days=config.escalation_repeat_days)
    for action in open_actions.filter(deadline__lt=today).filter(
            Q(escalated_on__isnull=True) | Q(escalated_on__lte=today - repeat)):
        condition = Q(escalated_on__isnull=True) | Q(escalated_on__lte=today - repeat)
        if not CapaAction.objects.filter(Q(pk=action.pk) & condition).update(escalated_on=today,
                                                                            escalations=F("escalations") + 1):
            continue
        nc = action.nonconformity
        recipients = [action.owner, nc.responsible, *safety_officers(nc.office_id), *department_heads()]
        days = (today - action.deadline).days
        notify(recipients, topic="capa_overdue", key=f"capa:{action.pk}:overdue:{today.isoformat()}",
               message=_("Overdue by %(days)d day(s): action for %(number)s (%(owner)s): %(action)s") % {
                   "days": days, "number": nc.number, "owner": action.owner.get_full_name() or action.owner.username,
                   "action": action.description[:120]})
        escalated += 1
    return reminded, escalated


def _review_reminders(today: date, config) -> int:
    count = 0
    horizon = today + timedelta(days=config.review_reminder_days)
    for hazard in Hazard.objects.filter(status=Hazard.Status.ACTIVE, review_date__lte=horizon,
                                        review_reminded_on__isnull=True).select_related("responsible"):
        if not _claim(Hazard, hazard.pk, "review_reminded_on", today, Q(review_reminded_on__isnull=True)):
            continue
        notify([hazard.responsible], topic="hazard_review", key=f"hazard:{hazard.pk}:review:{hazard.review_date}",
               message=_("Register entry %(number)s (%(activity)s) is due for review on %(date)s") % {
                   "number": hazard.number, "activity": hazard.activity[:80], "date": hazard.review_date})
        count += 1
    return count


def _training_warnings(today: date, config) -> int:
    count = 0
    horizon = today + timedelta(days=config.training_warning_days)
    expiring = TrainingRecord.objects.filter(valid_until__isnull=False, valid_until__lte=horizon,
                                             warned_on__isnull=True, staff__is_active=True)
    for record in expiring.select_related("staff__user"):
        # A newer record of the same course that runs past the horizon renews this one.
        if TrainingRecord.objects.filter(staff=record.staff, course=record.course, valid_until__gt=horizon).exists():
            continue
        if not _claim(TrainingRecord, record.pk, "warned_on", today, Q(warned_on__isnull=True)):
            continue
        message = (_("Training “%(course)s” of %(name)s expired on %(date)s") if record.valid_until < today
                   else _("Training “%(course)s” of %(name)s expires on %(date)s")) % {
            "course": record.course, "name": record.staff, "date": record.valid_until}
        notify([record.staff.user, *safety_officers(record.staff.office_id)], topic="training_expiring",
               key=f"training:{record.pk}:{record.valid_until}", message=message)
        count += 1
    return count


def _inspection_reminders(today: date) -> int:
    count = 0
    for checklist in InspectionChecklist.objects.filter(is_active=True, next_due__lte=today).filter(
            Q(due_notified_on__isnull=True)).select_related("responsible"):
        if not _claim(InspectionChecklist, checklist.pk, "due_notified_on", today, Q(due_notified_on__isnull=True)):
            continue
        notify([checklist.responsible, *safety_officers(checklist.office_id)], topic="self_inspection_due",
               key=f"checklist:{checklist.pk}:{checklist.next_due}",
               message=_("Self-inspection “%(name)s” is due (%(date)s)") % {"name": checklist.name,
                                                                            "date": checklist.next_due})
        count += 1
    return count


def run_daily_reminders(today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    config = risk_config()
    with transaction.atomic():
        reminded, escalated = _action_reminders(today, config)
        reviews = _review_reminders(today, config)
        training = _training_warnings(today, config)
        inspections = _inspection_reminders(today)
    return {"actions_reminded": reminded, "actions_escalated": escalated, "reviews": reviews,
            "training_expiring": training, "self_inspections_due": inspections}
