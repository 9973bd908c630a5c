"""The dunning policy of an account's class, and the protections that stop dunning or suspension."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from dispatch.common.errors import DispatchError
from dispatch.customers.models import CustomerAccount

from .models import Dispute, DunningPolicy, PaymentPlan, PromiseToPay


def policy_for(customer_class: str) -> DunningPolicy:
    """The configured policy of the class, or the defaults of DOMAIN.md when none is configured."""
    policy = DunningPolicy.objects.filter(customer_class=customer_class).first()
    return policy if policy is not None else DunningPolicy(customer_class=customer_class)


@dataclass(frozen=True)
class Protection:
    code: str
    message: str
    # A hold stops every dunning step; otherwise only suspension (and its notice) is barred.
    holds_dunning: bool = False

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "holds_dunning": self.holds_dunning}


def protections(account: CustomerAccount, today: date, policy: DunningPolicy | None = None) -> list[Protection]:
    policy = policy or policy_for(account.customer_class)
    found: list[Protection] = []
    winter = today.month in (policy.winter_months or [])
    if winter and policy.protect_everyone_in_winter:
        found.append(Protection("winter", _("No supply is suspended in the winter months.")))
    elif winter and policy.protect_vulnerable_in_winter and account.is_vulnerable:
        found.append(Protection("vulnerable_in_winter",
                                _("A vulnerable customer's supply is never suspended in the winter months.")))
    if policy.protect_medically_dependent and account.is_medically_dependent:
        found.append(Protection("medically_dependent",
                                _("The customer depends on the supply for medical reasons.")))
    if policy.require_plan_offer and not PaymentPlan.objects.filter(account=account).exists():
        found.append(Protection("plan_not_offered",
                                _("No payment plan has been offered to the customer yet (DOMAIN.md: offer one "
                                  "before disconnection).")))
    if PaymentPlan.objects.filter(account=account, status=PaymentPlan.Status.ACTIVE).exists():
        found.append(Protection("payment_plan", _("The customer keeps to an agreed payment plan."), True))
    if Dispute.objects.filter(account=account, status=Dispute.Status.OPEN).exists():
        found.append(Protection("dispute", _("The customer disputes the bill; the dispute is open."), True))
    if PromiseToPay.objects.filter(account=account, promised_date__gte=today).exists():
        found.append(Protection("promise_to_pay", _("The customer promised to pay by a date not yet passed."), True))
    return found


def check_may_suspend(account: CustomerAccount, today: date) -> None:
    """Refuse (400 protected_customer) when any protection applies to suspending this account's supply."""
    found = protections(account, today)
    if found:
        raise DispatchError("protected_customer",
                            _("Supply may not be suspended: %(reasons)s")
                            % {"reasons": " ".join(protection.message for protection in found)},
                            extra={"protections": [protection.code for protection in found]})
