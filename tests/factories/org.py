from datetime import time

import factory
from django.contrib.auth.models import Group, User

from dispatch.org.models import Area, ServiceOffice, Skill, StaffProfile, StaffSkill, WeeklyShift

PASSWORD = "correct-horse-battery-9"


def square(lng: float, lat: float, size: float = 0.01) -> dict:
    """A closed GeoJSON square with its south-west corner at (lng, lat)."""
    ring = [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in extracted))
        if create:
            self.save()


class ServiceOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceOffice
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"OF{n:02d}")
    name = factory.Sequence(lambda n: f"Office {n}")
    lat = 22.82
    lng = 108.32


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AR{n:03d}")
    name = factory.Sequence(lambda n: f"Area {n}")
    office = factory.SubFactory(ServiceOfficeFactory)
    boundary = factory.Sequence(lambda n: square(108.0 + (n % 50) * 0.02, 22.5 + (n // 50) * 0.02))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from dispatch.org.services import area_create

        return area_create(actor=None, **kwargs)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda o: o.code.replace("-", " ").title())


class StaffProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, roles=["technician"])
    employee_no = factory.Sequence(lambda n: f"E{n:05d}")
    office = factory.SubFactory(ServiceOfficeFactory)
    home_lat = 22.82
    home_lng = 108.32

    @factory.post_generation
    def skills(self, create, extracted, **kwargs):
        """skills=["repair", ("emergency", date(2030, 1, 1))]: codes, optionally with a certificate expiry."""
        for entry in extracted or []:
            code, valid_until = entry if isinstance(entry, tuple) else (entry, None)
            skill = SkillFactory(code=code, requires_certificate=valid_until is not None)
            StaffSkill.objects.create(staff=self, skill=skill, valid_until=valid_until,
                                      certificate_no=f"C-{code}" if valid_until else "")

    @factory.post_generation
    def weekdays(self, create, extracted, **kwargs):
        """weekdays=range(5) gives 08:30–17:30 shifts with a 12:00–13:00 break on those days."""
        for weekday in extracted if extracted is not None else range(5):
            WeeklyShift.objects.create(staff=self, weekday=weekday, start=time(8, 30), end=time(17, 30),
                                       break_start=time(12), break_end=time(13))
