from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.filters import OrderingFilter

from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role
from dispatch.org.selectors import area_list

from . import selectors, services
from .selectors import CUSTOMER_DIRECTORY_ROLES
from .serializers import ContactSerializer, CustomerAccountSerializer, PremisesSerializer

CUSTOMER_EDITORS = (Role.AGENT, Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


class AccountScopedSerializerMixin:
    """Limits the `account` (and `area`) a caller may write to the accounts (and active areas) they can see."""

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        fields = getattr(serializer, "fields", {})
        if "account" in fields:
            fields["account"].queryset = selectors.customer_list(user=self.request.user)
        if "area" in fields and not fields["area"].read_only:
            fields["area"].queryset = area_list(user=self.request.user).filter(is_active=True)
        return serializer


class CustomerViewSet(viewsets.ModelViewSet):
    """Customer accounts. `?search=` finds a caller by phone, account number, name or address."""

    serializer_class = CustomerAccountSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = CUSTOMER_DIRECTORY_ROLES, CUSTOMER_EDITORS
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    # `search` is answered by the selector (phones, contacts, addresses), not DRF's SearchFilter.
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    filterset_fields = ["customer_class", "is_active"]
    ordering_fields = ["account_no", "name", "created_at"]

    def get_queryset(self):
        query = self.request.query_params.get("search", "")
        if query.strip():
            return selectors.customer_search(user=self.request.user, query=query)
        return selectors.customer_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.account_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.account_update(actor=self.request.user, account=serializer.instance,
                                                      **serializer.validated_data)


class PremisesViewSet(AccountScopedSerializerMixin, viewsets.ModelViewSet):
    serializer_class = PremisesSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = CUSTOMER_DIRECTORY_ROLES, CUSTOMER_EDITORS
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["account", "area", "gas_type", "geocode_status", "is_active"]
    search_fields = ["premises_no", "address"]
    ordering_fields = ["premises_no", "address", "created_at"]

    def get_queryset(self):
        return selectors.premises_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.premises_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.premises_update(actor=self.request.user, premises=serializer.instance,
                                                       **serializer.validated_data)


class ContactViewSet(AccountScopedSerializerMixin, viewsets.ModelViewSet):
    serializer_class = ContactSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = CUSTOMER_DIRECTORY_ROLES, CUSTOMER_EDITORS
    filterset_fields = ["account", "is_primary"]

    def get_queryset(self):
        return selectors.contact_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.contact_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.contact_update(actor=self.request.user, contact=serializer.instance,
                                                      **serializer.validated_data)

    def perform_destroy(self, instance):
        services.contact_delete(actor=self.request.user, contact=instance)
