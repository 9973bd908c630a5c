"""Plan endpoints: start a day's plan, watch it, commit it; fit an emergency into the live routes.

Dispatchers (their offices), managers and admins only. Thin: validation here, the work in services.py.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dispatch.common.errors import NotFound
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role
from dispatch.org.selectors import office_ids_for, office_list

from .. import selectors as workorder_selectors
from ..models import RoutePlan
from . import services

PLANNERS = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


class PinSerializer(serializers.Serializer):
    work_order = serializers.IntegerField(min_value=1)
    technician = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    time = serializers.TimeField(required=False, allow_null=True, format="%H:%M")

    def validate(self, attrs):
        if not attrs.get("technician") and not attrs.get("time"):
            raise serializers.ValidationError(_("Pin to a technician, a time, or both."))
        return attrs


class PlanRequestSerializer(serializers.Serializer):
    office = serializers.PrimaryKeyRelatedField(queryset=RoutePlan._meta.get_field("office").related_model
                                                .objects.all(), required=False)
    areas = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    date = serializers.DateField()
    pins = PinSerializer(many=True, required=False, default=list)
    seconds = serializers.IntegerField(min_value=1, max_value=300, required=False, default=20)

    def validate(self, attrs):
        if attrs.get("office") is None and not attrs["areas"]:
            raise serializers.ValidationError({"office": [_("Give the office or its areas.")]})
        return attrs


class RoutePlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoutePlan
        fields = ["id", "office", "area_ids", "day", "state", "progress", "seconds", "pins", "result", "error",
                  "created_at", "committed_at"]
        read_only_fields = fields


class EmergencySerializer(serializers.Serializer):
    work_order = serializers.IntegerField(min_value=1)
    # Send back the proposed technician and position to confirm; without them the answer is a proposal.
    confirm = serializers.BooleanField(required=False, default=False)
    technician = serializers.IntegerField(min_value=1, required=False)
    position = serializers.IntegerField(min_value=1, required=False)

    def validate(self, attrs):
        if attrs["confirm"] and not (attrs.get("technician") and attrs.get("position")):
            raise serializers.ValidationError({"technician": [_("Confirm with the proposed technician and position.")]})
        return attrs


class RoutePlanViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Route plans: POST to plan a day (a task; poll the plan for progress), commit to assign."""

    serializer_class = RoutePlanSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = PLANNERS
    queryset = RoutePlan.objects.none()

    def get_queryset(self):
        offices = office_ids_for(self.request.user)
        plans = RoutePlan.objects.all()
        return plans if offices is None else plans.filter(office_id__in=offices)

    def _plan(self) -> RoutePlan:
        plan = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if plan is None:
            raise NotFound("not_found", _("Plan not found."))
        return plan

    @extend_schema(request=PlanRequestSerializer, responses={202: RoutePlanSerializer})
    def create(self, request):
        payload = PlanRequestSerializer(data=request.data)
        payload.fields["office"].queryset = office_list(user=request.user)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        office = data.get("office")
        if office is None:
            # Areas alone: they must all belong to one office the user may plan.
            from dispatch.org.selectors import area_list

            areas = list(area_list(user=request.user).filter(pk__in=data["areas"]))
            offices = {area.office for area in areas}
            if len(areas) != len(set(data["areas"])) or len(offices) != 1:
                raise serializers.ValidationError({"areas": [_("Give areas of one office you plan for.")]})
            office = offices.pop()
        pins = [{"work_order": pin["work_order"], "technician": pin.get("technician"),
                 "time": pin["time"].strftime("%H:%M") if pin.get("time") else None} for pin in data["pins"]]
        plan = services.plan_create(actor=request.user, office=office, day=data["date"], area_ids=data["areas"],
                                    pins=pins, seconds=data["seconds"])
        plan.refresh_from_db()
        return Response(RoutePlanSerializer(plan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: dict})
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        return Response(services.plan_commit(plan_id=self._plan().pk, actor=request.user))

    @extend_schema(request=EmergencySerializer, responses={200: dict})
    @action(detail=False, methods=["post"], url_path="emergency-insertion")
    def emergency_insertion(self, request):
        payload = EmergencySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        order = workorder_selectors.work_order_get(user=request.user, work_order_id=data["work_order"])
        if order is None:
            raise NotFound("not_found", _("Work order not found."))
        if not data["confirm"]:
            return Response(services.emergency_proposal(work_order=order))
        technician = workorder_selectors.assignable_technicians(user=request.user).filter(
            pk=data["technician"]).first()
        if technician is None:
            raise NotFound("not_found", _("Technician not found."))
        order = services.emergency_confirm(work_order=order, technician=technician, position=data["position"],
                                           actor=request.user)
        return Response({"work_order": order.pk, "technician": technician.pk, "sequence": order.sequence,
                         "status": order.status})
