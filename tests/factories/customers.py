import factory

from dispatch.customers.models import Contact, CustomerAccount, Premises


class CustomerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerAccount

    account_no = factory.Sequence(lambda n: f"A{n:08d}")
    name = factory.Sequence(lambda n: f"Customer {n}")
    phone = factory.Sequence(lambda n: f"1377100{n:04d}")


class PremisesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Premises

    premises_no = factory.Sequence(lambda n: f"P{n:08d}")
    account = factory.SubFactory(CustomerAccountFactory)
    address = factory.Sequence(lambda n: f"{n} Minzu Avenue")
    area = None
    lat = None
    lng = None


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    account = factory.SubFactory(CustomerAccountFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    phone = factory.Sequence(lambda n: f"1300000{n:04d}")
