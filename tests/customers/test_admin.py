"""Customer records edited in the admin go through the services: audited, checked and placed like the API."""

import pytest

from dispatch.common.models import AuditEvent
from dispatch.customers.models import Contact, CustomerAccount, Premises
from tests.factories import AreaFactory, CustomerAccountFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


def account_form(**overrides):
    form = {"account_no": "100200", "name": "李四", "customer_class": "residential", "phone": "13800138000",
            "phone_alt": "", "email": "", "vulnerability_notes": "", "is_active": "on",
            "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0",
            "contacts-MAX_NUM_FORMS": "1000"}
    form.update(overrides)
    return form


def premises_form(account, **overrides):
    form = {"premises_no": "P-1", "account": account.pk, "address": "民族大道 88 号", "district": "",
            "gas_type": "ng", "lat": "", "lng": "", "area": "", "access_notes": "", "is_active": "on"}
    form.update(overrides)
    return form


def test_adding_a_customer_in_the_admin_writes_an_audit_event(admin_client_, superuser):
    response = admin_client_.post("/admin/customers/customeraccount/add/", account_form())

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    account = CustomerAccount.objects.get(account_no="100200")
    event = AuditEvent.objects.get(action="create", content_type__model="customeraccount")
    assert (event.object_id, event.actor, event.changes["name"]) == (str(account.pk), superuser, "李四")


def test_changing_a_customer_in_the_admin_audits_the_difference(admin_client_, superuser):
    account = CustomerAccountFactory(account_no="100200", name="李四", phone="13800138000")
    url = f"/admin/customers/customeraccount/{account.pk}/change/"

    admin_client_.post(url, account_form(name="李四四", has_young_children="on"))
    admin_client_.post(url, account_form(name="李四四", has_young_children="on"))  # nothing changes

    [event] = AuditEvent.objects.filter(action="update", object_id=str(account.pk))
    assert event.actor == superuser
    assert event.changes == {"name": ["李四", "李四四"], "has_young_children": [False, True]}


def test_an_invalid_customer_in_the_admin_is_a_form_error(admin_client_):
    response = admin_client_.post("/admin/customers/customeraccount/add/", account_form(phone="call me"))

    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    assert not AuditEvent.objects.exists()


def test_adding_premises_in_the_admin_places_and_audits_them(admin_client_, area):
    account = CustomerAccountFactory()

    response = admin_client_.post("/admin/customers/premises/add/", premises_form(account, lat="22.82",
                                                                                 lng="108.32"))

    assert response.status_code == 302
    premises = Premises.objects.get(premises_no="P-1")
    assert (premises.area, premises.geocode_status) == (area, "manual")
    assert AuditEvent.objects.filter(action="create", object_id=str(premises.pk),
                                     content_type__model="premises").count() == 1


@pytest.mark.parametrize("overrides, field", [
    ({"lat": "95", "lng": "108.32"}, "lat"),
    ({"lat": "22.82"}, "lng"),
    ({"lat": "10", "lng": "10"}, "area"),  # no area covers the point and none was chosen
])
def test_bad_premises_in_the_admin_are_form_errors_not_crashes(admin_client_, area, overrides, field):
    account = CustomerAccountFactory()

    response = admin_client_.post("/admin/customers/premises/add/", premises_form(account, **overrides))

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Premises.objects.exists()


def test_moving_premises_in_the_admin_outside_every_area_is_a_form_error(admin_client_, area):
    account = CustomerAccountFactory()
    admin_client_.post("/admin/customers/premises/add/", premises_form(account, lat="22.82", lng="108.32"))
    premises = Premises.objects.get()

    response = admin_client_.post(f"/admin/customers/premises/{premises.pk}/change/",
                                  premises_form(account, lat="10", lng="10", area=""))

    assert response.status_code == 200
    assert "area" in response.context["adminform"].form.errors
    premises.refresh_from_db()
    assert premises.lat == 22.82


def test_adding_a_contact_in_the_admin_is_audited(admin_client_):
    account = CustomerAccountFactory()

    response = admin_client_.post("/admin/customers/contact/add/", {"account": account.pk, "name": "王小五",
                                                                    "relation": "", "phone": "13912345678"})

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert AuditEvent.objects.filter(action="create", object_id=str(contact.pk),
                                     content_type__model="contact").count() == 1


def test_customer_records_cannot_be_deleted_in_the_admin(admin_client_, area):
    account = CustomerAccountFactory()

    response = admin_client_.post(f"/admin/customers/customeraccount/{account.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert CustomerAccount.objects.filter(pk=account.pk).exists()
