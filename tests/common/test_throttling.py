"""Sign-in throttling: the web login and the API token login share one failure counter per username+address."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import NON_FIELD_ERRORS
from django.test import Client
from rest_framework.authtoken.models import Token

from dispatch.common import throttling
from dispatch.common.errors import DispatchError
from dispatch.common.models import AuditEvent
from tests.factories.org import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LOGIN = "/accounts/login/"
TOKEN = "/api/auth/token/"


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600


def web_login(client: Client, username: str, password: str, address: str = "10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def api_login(api, username: str, password: str, address: str = "10.0.0.1"):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", REMOTE_ADDR=address)


# --- the counter itself ---------------------------------------------------------------------------------


def test_counter_locks_at_the_limit_and_clears():
    for _ in range(2):
        throttling.note_login_failure("someone", "10.0.0.1")
    throttling.check_login_allowed("someone", "10.0.0.1")  # 2 < 3: still allowed

    throttling.note_login_failure("someone", "10.0.0.1")
    with pytest.raises(DispatchError) as refused:
        throttling.check_login_allowed("someone", "10.0.0.1")
    assert refused.value.code == "login_locked"
    assert refused.value.status_code == 429
    assert "10 minutes" in refused.value.message

    throttling.clear_login_failures("someone", "10.0.0.1")
    throttling.check_login_allowed("someone", "10.0.0.1")


def test_counter_is_per_username_and_address_and_ignores_username_case():
    for _ in range(3):
        throttling.note_login_failure("Someone ", "10.0.0.1")

    with pytest.raises(DispatchError):
        throttling.check_login_allowed("someone", "10.0.0.1")
    throttling.check_login_allowed("someone", "10.0.0.2")
    throttling.check_login_allowed("someone-else", "10.0.0.1")


# --- web sign-in ----------------------------------------------------------------------------------------


def test_web_login_succeeds_with_the_right_password(client, agent):
    response = web_login(client, "agent1", PASSWORD)

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(agent.pk)
    assert AuditEvent.objects.filter(action="login", actor=agent).count() == 1


def test_web_login_locks_out_after_the_limit_even_with_the_right_password(client, agent):
    for _ in range(3):
        response = web_login(client, "agent1", "wrong-password")
        assert response.status_code == 200
        assert not response.context["form"].has_error(NON_FIELD_ERRORS, "login_locked")

    locked = web_login(client, "agent1", PASSWORD)

    assert locked.status_code == 200
    assert SESSION_KEY not in client.session
    form = locked.context["form"]
    assert form.has_error(NON_FIELD_ERRORS, "login_locked")
    assert "Too many failed sign-ins" in locked.content.decode()


def test_web_lockout_is_per_address(client, agent):
    for _ in range(3):
        web_login(client, "agent1", "wrong-password", address="10.0.0.1")

    response = web_login(client, "agent1", PASSWORD, address="10.0.0.2")

    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(agent.pk)


def test_web_success_clears_the_counter(client, agent):
    for _ in range(2):
        web_login(client, "agent1", "wrong-password")
    assert web_login(client, "agent1", PASSWORD).status_code == 302
    client.logout()

    for _ in range(2):
        web_login(client, "agent1", "wrong-password")
    response = web_login(client, "agent1", PASSWORD)

    assert response.status_code == 302, "four failures in all, but a success in between reset the count"


def test_web_failures_are_audited(client, agent):
    for _ in range(2):
        web_login(client, "agent1", "wrong-password", address="10.9.8.7")
    web_login(client, "nobody", "whatever", address="10.9.8.7")

    events = AuditEvent.objects.filter(action="login_failed").order_by("id")
    assert [event.reason for event in events] == ["agent1 from 10.9.8.7"] * 2 + ["nobody from 10.9.8.7"]
    assert all(event.actor_id is None for event in events)


def test_admin_login_is_throttled_too(client, superuser):
    for _ in range(3):
        client.post("/admin/login/", {"username": "root", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")

    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1")

    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert response.context["form"].has_error(NON_FIELD_ERRORS, "login_locked")


def test_admin_login_refuses_non_staff_without_a_redirect_loop(client, agent):
    response = client.post("/admin/login/?next=/admin/", {"username": "agent1", "password": PASSWORD})

    assert response.status_code == 200, "a non-staff user must get the admin login form back with a message"
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.filter(action="login_failed").count() == 1


def test_admin_login_page_for_a_signed_in_non_staff_user_does_not_redirect_to_admin(client, agent):
    client.force_login(agent)

    response = client.get("/admin/login/?next=/admin/")

    assert response.status_code == 200


# --- API token sign-in ----------------------------------------------------------------------------------


def test_token_login_returns_token_and_roles(api, dispatcher):
    response = api_login(api, "dispatcher1", PASSWORD)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["username"] == "dispatcher1"
    assert body["roles"] == ["dispatcher"]
    assert body["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/areas/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=dispatcher, reason="10.0.0.1 (api)").count() == 1


def test_token_login_with_wrong_password_answers_401_and_is_audited(api, dispatcher):
    response = api_login(api, "dispatcher1", "wrong-password")

    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials", "detail": response.json()["detail"]}
    assert AuditEvent.objects.filter(action="login_failed", reason="dispatcher1 from 10.0.0.1 (api)").count() == 1


def test_token_login_locks_out_with_429_login_locked(api, dispatcher):
    for _ in range(3):
        assert api_login(api, "dispatcher1", "wrong-password").status_code == 401

    locked = api_login(api, "dispatcher1", PASSWORD)

    assert locked.status_code == 429
    assert locked.json()["code"] == "login_locked"
    assert "Too many failed sign-ins" in locked.json()["detail"]
    assert "token" not in locked.json()
    assert AuditEvent.objects.filter(action="login_failed").count() == 3
    assert api_login(api, "dispatcher1", PASSWORD, address="10.0.0.2").status_code == 200


def test_token_success_clears_the_counter(api, dispatcher):
    for _ in range(2):
        api_login(api, "dispatcher1", "wrong-password")
    assert api_login(api, "dispatcher1", PASSWORD).status_code == 200
    for _ in range(2):
        api_login(api, "dispatcher1", "wrong-password")

    assert api_login(api, "dispatcher1", PASSWORD).status_code == 200


def test_web_and_api_share_one_counter(client, api, dispatcher):
    for _ in range(3):
        api_login(api, "dispatcher1", "wrong-password")

    response = web_login(client, "dispatcher1", PASSWORD)

    assert response.context["form"].has_error(NON_FIELD_ERRORS, "login_locked")


def test_token_logout_deletes_the_token(api, dispatcher):
    token = api_login(api, "dispatcher1", PASSWORD).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    response = api.post("/api/auth/logout/")

    assert response.status_code == 204
    assert not Token.objects.filter(key=token).exists()
    refused = api.get("/api/areas/")
    assert refused.status_code in {401, 403}
    assert refused.json()["code"] == "authentication_failed"


def test_token_logout_needs_authentication(api, db):
    response = api.post("/api/auth/logout/")

    assert response.status_code in {401, 403}
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("payload, fields", [
    ({"username": "dispatcher1"}, {"password"}),
    ({"password": "x"}, {"username"}),
    ({}, {"username", "password"}),
    ({"username": "", "password": ""}, {"username", "password"}),
    ({"username": "x" * 151, "password": "x"}, {"username"}),
])
def test_token_login_with_missing_fields_answers_400_with_field_messages(api, dispatcher, payload, fields):
    response = api.post(TOKEN, payload, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == fields
    assert all(isinstance(message, str) and message for field in fields for message in body["fields"][field])
    assert not AuditEvent.objects.filter(action="login_failed").exists(), "no credentials: not a failed sign-in"


def test_token_login_with_malformed_json_answers_400(api, db):
    response = api.post(TOKEN, data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert set(response.json()) <= {"code", "detail", "fields"}


@pytest.mark.parametrize("body", ['["dispatcher1", "pw"]', '"dispatcher1"', "42", "null"])
def test_token_login_with_json_that_is_not_an_object_answers_400_with_fields(api, db, body):
    response = api.post(TOKEN, data=body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]


def test_token_login_with_form_encoding_works_and_plain_text_is_refused(api, dispatcher):
    form = api.post(TOKEN, {"username": "dispatcher1", "password": PASSWORD})
    text = api.post(TOKEN, data="username=dispatcher1", content_type="text/plain")

    assert form.status_code == 200
    assert text.status_code == 415
    assert text.json()["code"] == "unsupported_media_type"


def test_one_address_cannot_try_many_usernames(api, db, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "4/min"})
    for number in range(4):
        assert api_login(api, f"user{number}", "password123").status_code == 401

    refused = api_login(api, "user99", "password123")

    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert "Retry-After" in refused
    assert api_login(api, "user99", "password123", address="10.0.0.2").status_code == 401


def test_the_address_rate_is_configured(settings):
    from rest_framework.throttling import ScopedRateThrottle

    from dispatch.common.auth_api import TokenLoginView

    assert ScopedRateThrottle in TokenLoginView.throttle_classes
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][TokenLoginView.throttle_scope]
    assert ScopedRateThrottle.THROTTLE_RATES[TokenLoginView.throttle_scope] == rate
