import pytest

from dispatch.common.models import AuditEvent
from dispatch.customers.models import Premises
from tests.factories import AreaFactory, ContactFactory, CustomerAccountFactory, PremisesFactory, square

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


# --- error shape ----------------------------------------------------------------------------------------


def assert_error_shape(response, status: int, code: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) <= {"code", "detail", "fields"}, body
    assert isinstance(body["code"], str) and isinstance(body["detail"], str)
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.mark.parametrize("url", ["/api/customers/999999/", "/api/premises/999999/", "/api/contacts/999999/",
                                 "/api/offices/999999/", "/api/staff/999999/", "/api/skills/999999/"])
def test_unknown_id_answers_404_not_found(as_user, agent, url):
    assert_error_shape(as_user(agent).get(url), 404, "not_found")


@pytest.mark.parametrize("url", ["/api/customers/999999/", "/api/premises/999999/", "/api/contacts/999999/"])
def test_patching_an_unknown_id_answers_404_not_found(as_user, agent, url):
    assert_error_shape(as_user(agent).patch(url, {"name": "x"}, format="json"), 404, "not_found")


@pytest.mark.parametrize("payload, field", [
    ({"phone": "not a phone"}, "phone"),
    ({"email": "nope"}, "email"),
    ({"customer_class": "royal"}, "customer_class"),
    ({"name": ""}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"account_no": "TAKEN"}, "account_no"),
    ({"is_active": "perhaps"}, "is_active"),
])
def test_bad_customer_patch_answers_400_with_the_field(as_user, agent, payload, field):
    CustomerAccountFactory(account_no="TAKEN")
    account = CustomerAccountFactory()

    body = assert_error_shape(as_user(agent).patch(f"/api/customers/{account.pk}/", payload, format="json"),
                              400, "invalid")

    assert field in body["fields"]
    assert not AuditEvent.objects.filter(action="update").exists()


@pytest.mark.parametrize("payload, field", [
    ({"lat": 22.82}, "lng"),  # no longitude stored: the pair would be incomplete
    ({"lat": 95, "lng": 108.3}, "lat"),
    ({"lat": 10.0, "lng": 10.0}, "area"),
    ({"lat": "north", "lng": 108.3}, "lat"),
    ({"gas_type": "coal"}, "gas_type"),
    ({"area": "abc"}, "area"),
    ({"account": 999999}, "account"),
    ({"premises_no": ""}, "premises_no"),
])
def test_bad_premises_patch_answers_400_with_the_field(as_user, agent, area, payload, field):
    premises = PremisesFactory()

    body = assert_error_shape(as_user(agent).patch(f"/api/premises/{premises.pk}/", payload, format="json"),
                              400)

    assert field in body["fields"], body


def test_patching_coordinates_re_places_the_premises(as_user, agent, area, office):
    east = AreaFactory(code="QX-02", office=office, boundary=square(108.40, 22.80, 0.05))
    premises = PremisesFactory(lat=22.82, lng=108.32, area=area)

    response = as_user(agent).patch(f"/api/premises/{premises.pk}/", {"lng": 108.42}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["area"] == east.pk
    assert response.json()["area_code"] == "QX-02"
    assert response.json()["geocode_status"] == "manual"


def test_putting_premises_back_unchanged_keeps_the_geocoded_state(as_user, agent, area):
    premises = PremisesFactory(lat=22.82, lng=108.32, area=area, geocode_status="found")
    client = as_user(agent)
    current = client.get(f"/api/premises/{premises.pk}/").json()

    response = client.put(f"/api/premises/{premises.pk}/", current, format="json")

    assert response.status_code == 200, response.json()
    assert response.json()["geocode_status"] == "found"
    assert not AuditEvent.objects.filter(object_id=str(premises.pk), action="update").exists()


def test_non_json_body_answers_400_parse_error(as_user, agent):
    response = as_user(agent).post("/api/customers/", data="{oops", content_type="application/json")

    assert_error_shape(response, 400, "parse_error")


@pytest.mark.parametrize("url", ["/api/customers/", "/api/premises/"])
def test_customers_and_premises_cannot_be_deleted(as_user, manager, area, url):
    premises = PremisesFactory(area=area)
    target = premises.account_id if "customers" in url else premises.pk

    response = as_user(manager).delete(f"{url}{target}/")

    assert_error_shape(response, 405, "method_not_allowed")
    assert Premises.objects.filter(pk=premises.pk).exists()


def test_technician_writes_are_refused_with_permission_denied(as_user, technician):
    response = as_user(technician).post("/api/customers/", {"account_no": "1", "name": "x",
                                                            "phone": "13800138000"}, format="json")

    assert_error_shape(response, 403, "permission_denied")


# --- contacts -------------------------------------------------------------------------------------------


def test_dispatcher_adds_a_contact_to_an_account_of_their_office(as_user, dispatcher, area):
    account = PremisesFactory(area=area).account

    response = as_user(dispatcher).post("/api/contacts/", {"account": account.pk, "name": "王小五",
                                                           "phone": "13912345678"}, format="json")

    assert response.status_code == 201, response.json()
    assert AuditEvent.objects.filter(action="create", content_type__model="contact",
                                     object_id=str(response.json()["id"]), actor=dispatcher).count() == 1


def test_dispatcher_cannot_add_a_contact_to_an_account_outside_their_offices(
        as_user, dispatcher, other_office):
    theirs = PremisesFactory(area=AreaFactory(code="JN-01", office=other_office)).account

    response = as_user(dispatcher).post("/api/contacts/", {"account": theirs.pk, "name": "x",
                                                           "phone": "13912345678"}, format="json")

    body = assert_error_shape(response, 400, "invalid")
    assert list(body["fields"]) == ["account"]
    assert not theirs.contacts.exists()


def test_dispatcher_cannot_move_a_contact_to_an_account_outside_their_offices(
        as_user, dispatcher, area, other_office):
    contact = ContactFactory(account=PremisesFactory(area=area).account)
    theirs = PremisesFactory(area=AreaFactory(code="JN-01", office=other_office)).account

    response = as_user(dispatcher).patch(f"/api/contacts/{contact.pk}/", {"account": theirs.pk}, format="json")

    assert "account" in assert_error_shape(response, 400)["fields"]


def test_dispatcher_cannot_file_premises_under_an_area_of_another_office(as_user, dispatcher, area, other_office):
    premises = PremisesFactory(area=area)
    elsewhere = AreaFactory(code="JN-01", office=other_office)

    response = as_user(dispatcher).patch(f"/api/premises/{premises.pk}/", {"area": elsewhere.pk}, format="json")

    assert "area" in assert_error_shape(response, 400)["fields"]
    premises.refresh_from_db()
    assert premises.area == area


def test_contacts_of_other_offices_are_not_found(as_user, dispatcher, other_office):
    contact = ContactFactory(account=PremisesFactory(area=AreaFactory(code="JN-01", office=other_office)).account)

    assert_error_shape(as_user(dispatcher).get(f"/api/contacts/{contact.pk}/"), 404, "not_found")


def test_deleting_a_contact_is_audited(as_user, agent):
    contact = ContactFactory(name="王小五")

    response = as_user(agent).delete(f"/api/contacts/{contact.pk}/")

    assert response.status_code == 204
    event = AuditEvent.objects.get(action="delete", content_type__model="contact")
    assert (event.object_id, event.actor, event.changes["name"]) == (str(contact.pk), agent, "王小五")


@pytest.mark.parametrize("payload, field", [
    ({"name": "x", "phone": "call me"}, "phone"),
    ({"phone": "13912345678"}, "name"),
    ({"name": "x", "phone": "13912345678", "account": "abc"}, "account"),
])
def test_bad_contact_input_answers_400_with_the_field(as_user, agent, payload, field):
    account = CustomerAccountFactory()

    response = as_user(agent).post("/api/contacts/", {"account": account.pk, **payload}, format="json")

    assert field in assert_error_shape(response, 400, "invalid")["fields"]


@pytest.mark.parametrize("raw_lat", ["1e400", "-1e400", "NaN", "Infinity"])
def test_infinite_or_nan_coordinates_answer_400_not_500(as_user, agent, area, raw_lat):
    account = CustomerAccountFactory()
    body = f'{{"premises_no": "P-2", "address": "x", "account": {account.pk}, "lat": {raw_lat}, "lng": 108.3}}'

    response = as_user(agent).post("/api/premises/", data=body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert set(response.json()) <= {"code", "detail", "fields"}
    assert not Premises.objects.filter(premises_no="P-2").exists()


def test_bad_filter_values_answer_400_with_the_field(as_user, agent):
    response = as_user(agent).get("/api/premises/", {"area": "abc", "gas_type": "coal"})

    body = assert_error_shape(response, 400, "invalid")
    assert {"area", "gas_type"} <= set(body["fields"])


def test_a_page_past_the_end_answers_404_not_found(as_user, agent):
    assert_error_shape(as_user(agent).get("/api/customers/", {"page": 99}), 404, "not_found")
