from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dispatch.common.errors import NotFound
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role

from . import selectors, services
from .models import Skill, StaffProfile
from .serializers import (
    AreaSerializer,
    PointQuerySerializer,
    ServiceOfficeSerializer,
    SkillSerializer,
    StaffProfileSerializer,
)

ALL_STAFF = tuple(Role.values)
ORG_EDITORS = (Role.ADMIN, Role.MANAGER)


class ServiceOfficeViewSet(viewsets.ModelViewSet):
    serializer_class = ServiceOfficeSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ORG_EDITORS
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return selectors.office_list(user=self.request.user)


class AreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = AreaSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ORG_EDITORS
    filterset_fields = ["office", "is_active"]
    search_fields = ["code", "name"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        return selectors.area_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.area_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.area_update(actor=self.request.user, area=serializer.instance,
                                                   **serializer.validated_data)

    @extend_schema(parameters=[PointQuerySerializer], responses=AreaSerializer)
    @action(detail=False, methods=["get"])
    def locate(self, request):
        """The area that covers a point."""
        point = PointQuerySerializer(data=request.query_params)
        point.is_valid(raise_exception=True)
        area = selectors.area_containing(point.validated_data["lat"], point.validated_data["lng"])
        if area is None or not self.get_queryset().filter(pk=area.pk).exists():
            raise NotFound("outside_areas", _("No area of yours covers this point."))
        return Response(AreaSerializer(area).data)


class StaffFilter(filters.FilterSet):
    skill = filters.CharFilter(field_name="skills__skill__code")

    class Meta:
        model = StaffProfile
        fields = ["office", "primary_area", "is_active", "skill"]


class StaffViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StaffProfileSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ()
    filterset_class = StaffFilter
    search_fields = ["employee_no", "user__first_name", "user__last_name", "user__username"]
    ordering_fields = ["employee_no"]

    def get_queryset(self):
        return selectors.staff_list(user=self.request.user)


class SkillViewSet(viewsets.ModelViewSet):
    serializer_class = SkillSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = ALL_STAFF, ORG_EDITORS
    queryset = Skill.objects.all()
    pagination_class = None
