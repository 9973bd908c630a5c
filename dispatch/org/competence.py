"""Whether a skill a person holds may be used on a day.

The certificate on the skill itself is checked here; other apps add their own conditions through
`register_competence_check` (HSE: a training that qualifies for the skill has expired), so that assignment and
planning ask one question and never import those apps.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from .models import StaffSkill


@dataclass(frozen=True)
class CompetenceRefusal:
    code: str
    message: str


CompetenceCheck = Callable[[StaffSkill, date], CompetenceRefusal | None]
_checks: list[CompetenceCheck] = []


def register_competence_check(check: CompetenceCheck) -> CompetenceCheck:
    if check not in _checks:
        _checks.append(check)
    return check


def skill_refusal(held: StaffSkill, day: date) -> CompetenceRefusal | None:
    """Why the held skill may not be used on the day, or None if it may."""
    if held.skill.requires_certificate and (held.valid_until is None or held.valid_until < day):
        return CompetenceRefusal("certificate_expired",
                                 _("%(name)s’s certificate for “%(skill)s” is not valid on %(day)s.")
                                 % {"name": held.staff, "skill": held.skill.name, "day": day})
    for check in _checks:
        refusal = check(held, day)
        if refusal is not None:
            return refusal
    return None
