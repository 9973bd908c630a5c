"""HSE training as a competence: a skill a person was trained for is usable only while a training is valid."""

from datetime import date

from django.utils.translation import gettext as _

from dispatch.org.competence import CompetenceRefusal
from dispatch.org.models import StaffSkill

from .models import TrainingRecord
from .selectors import valid_hse_trainings


def training_refusal(held: StaffSkill, day: date) -> CompetenceRefusal | None:
    """Refuse a skill whose qualifying HSE trainings have all expired; skills never trained for are left alone."""
    trainings = TrainingRecord.objects.filter(staff_id=held.staff_id, skill_id=held.skill_id)
    if not trainings.exists():
        return None
    if valid_hse_trainings(staff_id=held.staff_id, on=day).filter(skill_id=held.skill_id).exists():
        return None
    return CompetenceRefusal("training_expired",
                             _("%(name)s’s HSE training for “%(skill)s” has expired by %(day)s.")
                             % {"name": held.staff, "skill": held.skill.name, "day": day})
