"""factory-boy factories shared by the whole suite."""

from .customers import ContactFactory, CustomerAccountFactory, PremisesFactory
from .org import AreaFactory, ServiceOfficeFactory, SkillFactory, StaffProfileFactory, UserFactory, square

__all__ = [
    "AreaFactory",
    "ContactFactory",
    "CustomerAccountFactory",
    "PremisesFactory",
    "ServiceOfficeFactory",
    "SkillFactory",
    "StaffProfileFactory",
    "UserFactory",
    "square",
]
