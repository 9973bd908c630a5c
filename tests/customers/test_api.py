import pytest

from dispatch.common.models import AuditEvent
from dispatch.customers.models import Premises
from tests.factories import AreaFactory, CustomerAccountFactory, PremisesFactory, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def area(office):
    return AreaFactory(code="QX-01", office=office, boundary=square(108.30, 22.80, 0.05))


def test_agent_creates_customer_and_premises_placed_in_area_from_coordinates(as_user, agent, area):
    client = as_user(agent)
    account = client.post("/api/customers/", {"account_no": "100200", "name": "李四", "phone": "13800138000",
                                              "customer_class": "residential"}, format="json")
    assert account.status_code == 201, account.json()

    premises = client.post("/api/premises/", {"premises_no": "P-1", "account": account.json()["id"],
                                              "address": "民族大道 88 号", "lat": 22.82, "lng": 108.32},
                           format="json")

    assert premises.status_code == 201, premises.json()
    assert premises.json()["area_code"] == "QX-01"
    assert premises.json()["geocode_status"] == "manual"
    assert AuditEvent.objects.filter(object_id=str(premises.json()["id"]), action="create").exists()


@pytest.mark.parametrize("payload, field", [
    ({"address": "x"}, "premises_no"),
    ({"premises_no": "P-2", "address": "x", "lat": 95, "lng": 108.3}, "lat"),
    ({"premises_no": "P-2", "address": "x", "lat": 22.8}, "lng"),
    ({"premises_no": "P-2", "address": "x", "lat": "north", "lng": 108.3}, "lat"),
    ({"premises_no": "P-2", "address": "x", "area": 999999}, "area"),
    ({"premises_no": "P-2", "address": "x", "lat": 10.0, "lng": 10.0}, "area"),
    ({"premises_no": "P-2", "address": "x", "gas_type": "coal"}, "gas_type"),
])
def test_bad_premises_input_answers_400_with_the_field(as_user, agent, area, payload, field):
    account = CustomerAccountFactory()

    response = as_user(agent).post("/api/premises/", {"account": account.pk, **payload}, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"], response.json()
    assert not Premises.objects.filter(premises_no="P-2").exists()


@pytest.mark.parametrize("payload, field", [
    ({"name": "x", "phone": "13800138000"}, "account_no"),
    ({"account_no": "1", "name": "x", "phone": "not a phone"}, "phone"),
    ({"account_no": "1", "name": "x", "phone": "13800138000", "customer_class": "royal"}, "customer_class"),
    ({"account_no": "1", "name": "x", "phone": "13800138000", "email": "nope"}, "email"),
])
def test_bad_customer_input_answers_400_with_the_field(as_user, agent, payload, field):
    response = as_user(agent).post("/api/customers/", payload, format="json")

    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_dispatcher_sees_only_customers_of_their_offices(as_user, dispatcher, other_office, area):
    mine = PremisesFactory(area=area)
    theirs = PremisesFactory(area=AreaFactory(code="JN-01", office=other_office))

    client = as_user(dispatcher)
    premises_ids = {row["id"] for row in client.get("/api/premises/").json()["results"]}
    account_ids = {row["id"] for row in client.get("/api/customers/").json()["results"]}

    assert premises_ids == {mine.pk}
    assert account_ids == {mine.account_id}
    assert client.get(f"/api/premises/{theirs.pk}/").status_code == 404


def test_technician_cannot_browse_the_customer_directory(as_user, technician, area):
    PremisesFactory(area=area)

    assert as_user(technician).get("/api/customers/").status_code == 403
    assert as_user(technician).get("/api/premises/").status_code == 403


def test_search_finds_a_caller_by_contact_phone(as_user, agent):
    account = CustomerAccountFactory(name="王五")
    account.contacts.create(name="王小五", phone="13912345678")
    CustomerAccountFactory(name="赵六")

    results = as_user(agent).get("/api/customers/", {"search": "139123"}).json()["results"]

    assert [row["id"] for row in results] == [account.pk]


def test_unauthenticated_requests_are_refused(api):
    response = api.get("/api/customers/")

    assert response.status_code in {401, 403}
    assert response.json()["code"] == "not_authenticated"
