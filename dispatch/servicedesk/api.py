from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.common.permissions import RolePermission
from dispatch.customers.selectors import premises_list

from . import selectors, services
from .selectors import DESK_ROLES
from .serializers import CustomerLookupSerializer, IntakeSerializer, ServiceRequestSerializer


class ServiceRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                            viewsets.GenericViewSet):
    """Hotline and front-desk requests. A field request becomes a work order or joins the open one."""

    serializer_class = ServiceRequestSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = DESK_ROLES, DESK_ROLES
    filterset_fields = ["request_type", "channel", "joined_existing"]
    search_fields = ["number", "caller_phone", "address"]

    def get_queryset(self):
        return selectors.service_request_list(user=self.request.user)

    @extend_schema(request=IntakeSerializer, responses={201: ServiceRequestSerializer})
    def create(self, request):
        payload = IntakeSerializer(data=request.data)
        payload.fields["premises"].queryset = premises_list(user=request.user)
        payload.is_valid(raise_exception=True)
        created = services.request_intake(actor=request.user, **payload.validated_data)
        return Response(ServiceRequestSerializer(created).data, status=status.HTTP_201_CREATED)


class CustomerLookupView(APIView):
    """GET ?q=: the hotline's caller search (phone, account number, name or address), at most 20 accounts."""

    permission_classes = [RolePermission]
    read_roles = write_roles = DESK_ROLES

    @extend_schema(parameters=[OpenApiParameter("q", str, description="phone, account number, name or address")],
                   responses={200: CustomerLookupSerializer(many=True)})
    def get(self, request):
        results = selectors.customer_lookup(user=request.user, query=request.query_params.get("q", ""))
        return Response(CustomerLookupSerializer(results, many=True).data)
