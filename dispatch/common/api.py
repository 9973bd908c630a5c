"""API plumbing shared by every app: pagination and the single exception handler."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter, SimpleRouter
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DispatchError

logger = logging.getLogger(__name__)


class StandardPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _error(code: str, detail: str, http_status: int, fields: dict | None = None, **extra) -> Response:
    body = {"code": code, "detail": detail}
    if fields:
        body["fields"] = fields
    body.update(extra)
    return Response(body, status=http_status)


def _flatten(detail) -> dict[str, list[str]] | list[str] | str:
    if isinstance(detail, dict):
        return {key: _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return str(detail)


def exception_handler(exc, context):
    """Every error leaves the API as {"code", "detail", "fields"?} with a 4xx/5xx status."""
    if isinstance(exc, DispatchError):
        return _error(exc.code, exc.message, exc.status_code, exc.fields or None, **exc.extra)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return _error("invalid", _("The request is not valid."), status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        return _error("invalid", _("The request is not valid."), status.HTTP_400_BAD_REQUEST, fields)
    if isinstance(exc, Http404):
        return _error("not_found", _("Not found."), status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return _error("permission_denied", _("You do not have permission to do this."),
                      status.HTTP_403_FORBIDDEN)
    if isinstance(exc, IntegrityError):
        return _error("conflict", _("This conflicts with an existing record."), status.HTTP_409_CONFLICT)
    if isinstance(exc, DataError):
        return _error("invalid", _("A value is out of range for its field."), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OperationalError | InterfaceError):
        logger.exception("database unavailable")
        response = _error("service_unavailable", _("The service is briefly unavailable; try again."),
                          status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = "5"
        return response
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = "error"
    detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
    response.data = {"code": code, "detail": str(detail)}
    return response


class NumericLookupMixin:
    """Detail routes take numeric ids only, so `/things/abc/` is a 404 before any view runs."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if not hasattr(viewset, "lookup_value_regex"):
            viewset.lookup_value_regex = r"\d+"
        return super().get_lookup_regex(viewset, lookup_prefix)


class IdRouter(NumericLookupMixin, DefaultRouter):
    """The project's router: numeric detail ids, and the browsable API root."""


class IdSimpleRouter(NumericLookupMixin, SimpleRouter):
    """For apps that include their routes under a prefix, without an API root view of their own."""
