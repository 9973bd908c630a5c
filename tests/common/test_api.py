"""The one exception handler: every error leaves the API as {"code", "detail", "fields"?}."""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, OperationalError
from django.http import Http404
from rest_framework import exceptions

from dispatch.common.api import exception_handler
from dispatch.common.errors import Conflict, DispatchError, NotFound, PermissionDenied


def handle(exc):
    response = exception_handler(exc, {})
    assert response is not None
    assert set(response.data) <= {"code", "detail", "fields"} | set(getattr(exc, "extra", {}))
    assert isinstance(response.data["code"], str) and response.data["code"]
    assert isinstance(response.data["detail"], str)
    return response


@pytest.mark.parametrize("exc, status, code", [
    (DispatchError("outside_areas", "No area."), 400, "outside_areas"),
    (NotFound("no_such_order", "Gone."), 404, "no_such_order"),
    (PermissionDenied("not_yours", "Not yours."), 403, "not_yours"),
    (Conflict("stale", "Changed meanwhile."), 409, "stale"),
    (DispatchError("login_locked", "Wait.", status_code=429), 429, "login_locked"),
    (Http404(), 404, "not_found"),
    (DjangoPermissionDenied(), 403, "permission_denied"),
    (IntegrityError("duplicate key"), 409, "conflict"),
    (DataError("value too long"), 400, "invalid"),
    (OperationalError("server closed the connection"), 503, "service_unavailable"),
    (exceptions.NotAuthenticated(), 401, "not_authenticated"),
    (exceptions.MethodNotAllowed("DELETE"), 405, "method_not_allowed"),
    (exceptions.Throttled(wait=3), 429, "throttled"),
    (exceptions.ParseError(), 400, "parse_error"),
])
def test_status_and_code(exc, status, code):
    response = handle(exc)

    assert response.status_code == status
    assert response.data["code"] == code


def test_dispatch_error_fields_and_extra_are_passed_on():
    response = handle(DispatchError("invalid_coordinates", "Bad.", fields={"lat": ["Too far north."]},
                                    extra={"retry_after": 5}))

    assert response.data == {"code": "invalid_coordinates", "detail": "Bad.", "fields": {"lat": ["Too far north."]},
                             "retry_after": 5}


def test_drf_validation_errors_become_field_lists_of_strings():
    exc = exceptions.ValidationError({"phone": ["Enter a phone number."], "skills": [{"code": ["Unknown."]}]})

    response = handle(exc)

    assert response.status_code == 400
    assert response.data["code"] == "invalid"
    assert response.data["fields"] == {"phone": ["Enter a phone number."], "skills": [{"code": ["Unknown."]}]}


def test_drf_validation_error_without_fields_goes_under_non_field_errors():
    response = handle(exceptions.ValidationError(["Not allowed today."]))

    assert response.data["fields"] == {"non_field_errors": ["Not allowed today."]}


def test_django_validation_errors_keep_their_fields():
    with_fields = handle(DjangoValidationError({"phone": ["Enter a phone number."]}))
    without = handle(DjangoValidationError("Something is off."))

    assert with_fields.status_code == without.status_code == 400
    assert with_fields.data["fields"] == {"phone": ["Enter a phone number."]}
    assert without.data["fields"] == {"non_field_errors": ["Something is off."]}


def test_database_outage_asks_the_client_to_retry():
    response = handle(OperationalError("could not connect"))

    assert response["Retry-After"] == "5"
    assert "could not connect" not in response.data["detail"], "no internals in the answer"


def test_unknown_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_dispatch_error_as_validation_error():
    with_fields = DispatchError("invalid_boundary", "Bad.", fields={"boundary": ["Not closed."]})
    plain = DispatchError("outside_areas", "No area.")

    assert with_fields.as_validation_error().message_dict == {"boundary": ["Not closed."]}
    assert plain.as_validation_error().messages == ["No area."]
    assert plain.as_validation_error().code == "outside_areas"


def test_detail_routes_take_numeric_ids_only(client, django_user_model):
    """A non-numeric id is a plain 404 from the URL resolver, never a 500 from a view parsing it."""
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve("/api/workorders/null,null/assign/")
    assert resolve("/api/workorders/12/assign/").kwargs == {"pk": "12"}
