"""The HSE API: the register and nonconformities (with their actions), the trend hook, notifications.

Thin: input through serializers, writes through `services`, reads through `selectors` (scoped by user).
Safety officers, department heads and administrators only; other roles get 403.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dispatch.common.errors import NotFound, PermissionDenied
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role, has_role
from dispatch.org.selectors import office_ids_for

from . import selectors, services
from .filters import HazardFilter, NonconformityFilter
from .models import CapaAction, HazardControl, HseNotification
from .serializers import (
    ActionAddSerializer,
    ActionCloseSerializer,
    CapaActionSerializer,
    ControlUpdateSerializer,
    ControlWriteSerializer,
    HazardCreateSerializer,
    HazardRegisterSerializer,
    HazardRevisionSerializer,
    HazardSerializer,
    HazardWriteSerializer,
    HseNotificationSerializer,
    IncidentCreateSerializer,
    IncidentFromWorkOrderSerializer,
    IncidentSerializer,
    IncidentWriteSerializer,
    InspectionChecklistSerializer,
    NcEvaluateSerializer,
    NcTransitionSerializer,
    NonconformityCreateSerializer,
    NonconformityEventSerializer,
    NonconformitySerializer,
    NonconformityUpdateSerializer,
    RaiseNonconformitySerializer,
    SelfInspectionCreateSerializer,
    SelfInspectionSerializer,
    TrainingRecordSerializer,
    TrendRequestSerializer,
)
from .services.activities import TrendObservation

HSE_ROLES = selectors.HSE_ROLES


def check_office(user, office, area=None) -> None:
    """A safety officer files records for the offices they belong to (or the department as a whole)."""
    offices = office_ids_for(user) if not has_role(user, *selectors.HSE_WIDE_ROLES) else None
    if offices is None:
        return
    for name, value in (("office", getattr(office, "pk", None)), ("area", getattr(area, "office_id", None))):
        if value is not None and value not in offices:
            raise PermissionDenied("permission_denied", _("That office is not yours."),
                                   fields={name: [_("That office is not yours.")]})


class HazardRegisterViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = HazardRegisterSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = HSE_ROLES
    pagination_class = None

    def get_queryset(self):
        return selectors.register_list(user=self.request.user)


class HazardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Register entries (hazards and environmental aspects). Every change needs a `reason` and is versioned."""

    serializer_class = HazardSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = HSE_ROLES
    filterset_class = HazardFilter
    ordering_fields = ["number", "score", "analysis_date", "review_date"]
    ordering = ["number"]

    def get_queryset(self):
        return selectors.hazard_list(user=self.request.user).prefetch_related("controls")

    def _hazard(self):
        hazard = selectors.hazard_get(user=self.request.user, hazard_id=self.kwargs["pk"])
        if hazard is None:
            raise NotFound("not_found", _("Register entry not found."))
        return hazard

    def _respond(self, hazard, code=status.HTTP_200_OK):
        return Response(HazardSerializer(selectors.hazard_get(user=self.request.user, hazard_id=hazard.pk)).data,
                        status=code)

    @extend_schema(request=HazardCreateSerializer, responses={201: HazardSerializer})
    def create(self, request):
        payload = HazardCreateSerializer(data=request.data)
        payload.fields["register"].queryset = selectors.register_list(user=request.user).filter(is_active=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        data.pop("version", None)
        check_office(request.user, data.get("office"), data.get("area"))
        hazard = services.hazard_create(actor=request.user, **data)
        return self._respond(hazard, status.HTTP_201_CREATED)

    @extend_schema(request=HazardWriteSerializer, responses=HazardSerializer)
    def partial_update(self, request, pk=None):
        hazard = self._hazard()
        payload = HazardWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        reason, version = data.pop("reason", ""), data.pop("version", None)
        check_office(request.user, data.get("office"), data.get("area"))
        hazard = services.hazard_update(actor=request.user, hazard_id=hazard.pk, reason=reason, changes=data,
                                        expected_version=version)
        return self._respond(hazard)

    @extend_schema(responses=HazardRevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        hazard = self._hazard()
        return Response(HazardRevisionSerializer(hazard.revisions.select_related("actor"), many=True).data)

    @extend_schema(request=ControlWriteSerializer, responses={201: HazardSerializer})
    @action(detail=True, methods=["post"])
    def controls(self, request, pk=None):
        hazard = self._hazard()
        payload = ControlWriteSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        services.control_add(actor=request.user, hazard_id=hazard.pk, **data)
        return self._respond(hazard, status.HTTP_201_CREATED)

    @extend_schema(request=ControlUpdateSerializer, responses=HazardSerializer)
    @action(detail=True, methods=["post"], url_path="controls/update")
    def control_update(self, request, pk=None):
        hazard = self._hazard()
        payload = ControlUpdateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        control_id, reason = data.pop("control"), data.pop("reason")
        if not HazardControl.objects.filter(pk=control_id, hazard=hazard).exists():
            raise NotFound("not_found", _("Control measure not found."))
        services.control_update(actor=request.user, control_id=control_id, reason=reason, changes=data)
        return self._respond(hazard)


class NonconformityViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Nonconformities and CAPA: draft → analysis → action plan → open → done | cancelled."""

    serializer_class = NonconformitySerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = HSE_ROLES
    filterset_class = NonconformityFilter
    ordering_fields = ["created_at", "number", "status"]
    ordering = ["-created_at"]

    def get_queryset(self):
        return selectors.nonconformity_list(user=self.request.user).prefetch_related("actions")

    def _nc(self):
        nc = selectors.nonconformity_get(user=self.request.user, nonconformity_id=self.kwargs["pk"])
        if nc is None:
            raise NotFound("not_found", _("Nonconformity not found."))
        return nc

    def _respond(self, nc, code=status.HTTP_200_OK):
        fresh = selectors.nonconformity_get(user=self.request.user, nonconformity_id=nc.pk)
        return Response(NonconformitySerializer(fresh or nc).data, status=code)

    @extend_schema(request=NonconformityCreateSerializer, responses={201: NonconformitySerializer})
    def create(self, request):
        payload = NonconformityCreateSerializer(data=request.data)
        payload.fields["hazard"].queryset = selectors.hazard_list(user=request.user)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        check_office(request.user, data.get("office"), data.get("area"))
        nc = services.nonconformity_create(actor=request.user, **data)
        return self._respond(nc, status.HTTP_201_CREATED)

    @extend_schema(request=NonconformityUpdateSerializer, responses=NonconformitySerializer)
    def partial_update(self, request, pk=None):
        nc = self._nc()
        payload = NonconformityUpdateSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version = data.pop("version", None)
        nc = services.nonconformity_update(actor=request.user, nonconformity_id=nc.pk, changes=data,
                                           expected_version=version)
        return self._respond(nc)

    @extend_schema(request=NcTransitionSerializer, responses=NonconformitySerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        nc = self._nc()
        payload = NcTransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        nc = services.nonconformity_transition(actor=request.user, nonconformity_id=nc.pk, to_status=data["to"],
                                               reason=data["reason"], expected_version=data.get("version"))
        return self._respond(nc)

    @extend_schema(request=NcEvaluateSerializer, responses=NonconformitySerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        nc = self._nc()
        payload = NcEvaluateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        nc = services.nonconformity_evaluate(actor=request.user, nonconformity_id=nc.pk,
                                             evaluation=data["evaluation"], effective=data["effective"],
                                             expected_version=data.get("version"))
        return self._respond(nc)

    @extend_schema(request=ActionAddSerializer, responses={201: CapaActionSerializer})
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        nc = self._nc()
        payload = ActionAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        capa = services.action_add(actor=request.user, nonconformity_id=nc.pk, **payload.validated_data)
        return Response(CapaActionSerializer(capa).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ActionCloseSerializer, responses=CapaActionSerializer)
    @action(detail=True, methods=["post"], url_path="actions/complete")
    def action_complete(self, request, pk=None):
        return self._close_action(request, cancel=False)

    @extend_schema(request=ActionCloseSerializer, responses=CapaActionSerializer)
    @action(detail=True, methods=["post"], url_path="actions/cancel")
    def action_cancel(self, request, pk=None):
        return self._close_action(request, cancel=True)

    def _close_action(self, request, *, cancel: bool):
        nc = self._nc()
        payload = ActionCloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        if not nc.actions.filter(pk=data["action"]).exists():
            raise NotFound("not_found", _("Action not found."))
        if cancel:
            capa = services.action_cancel(actor=request.user, action_id=data["action"], reason=data["reason"])
        else:
            capa = services.action_complete(actor=request.user, action_id=data["action"], result=data["result"])
        return Response(CapaActionSerializer(capa).data)

    @extend_schema(responses=NonconformityEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        nc = self._nc()
        return Response(NonconformityEventSerializer(nc.events.all(), many=True).data)

    @extend_schema(request=TrendRequestSerializer, responses={201: NonconformitySerializer(many=True)})
    @action(detail=False, methods=["post"])
    def trends(self, request):
        """The trend hook: counts of one customer-hazard type per area; above the threshold raises a nonconformity."""
        payload = TrendRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        for row in data["observations"]:
            check_office(request.user, None, row["area"])
        raised = services.detect_hazard_trends(
            actor=request.user, threshold=data.get("threshold"), period=data["period"],
            observations=[TrendObservation(area_id=row["area"].pk, hazard_type=row["hazard_type"], count=row["count"],
                                           hazard_type_label=row["hazard_type_label"])
                          for row in data["observations"]])
        return Response(NonconformitySerializer(raised, many=True).data, status=status.HTTP_201_CREATED)


class IncidentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Incidents and near misses; gas emergencies from the field link here through `from-work-order`."""

    serializer_class = IncidentSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = HSE_ROLES
    ordering = ["-occurred_at"]

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user).prefetch_related("nonconformities")

    def _incident(self):
        incident = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if incident is None:
            raise NotFound("not_found", _("Incident not found."))
        return incident

    def _respond(self, incident, code=status.HTTP_200_OK):
        return Response(IncidentSerializer(self.get_queryset().get(pk=incident.pk)).data, status=code)

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentSerializer})
    def create(self, request):
        payload = IncidentCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        check_office(request.user, data.get("office"), data.get("area"))
        incident = services.incident_create(actor=request.user, **data)
        return self._respond(incident, status.HTTP_201_CREATED)

    @extend_schema(request=IncidentWriteSerializer, responses=IncidentSerializer)
    def partial_update(self, request, pk=None):
        incident = self._incident()
        payload = IncidentWriteSerializer(data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        check_office(request.user, data.get("office"), data.get("area"))
        incident = services.incident_update(actor=request.user, incident_id=incident.pk, changes=data)
        return self._respond(incident)

    @extend_schema(request=RaiseNonconformitySerializer, responses={201: NonconformitySerializer})
    @action(detail=True, methods=["post"], url_path="raise-nonconformity")
    def raise_nonconformity(self, request, pk=None):
        incident = self._incident()
        payload = RaiseNonconformitySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        nc = services.incident_raise_nonconformity(actor=request.user, incident_id=incident.pk,
                                                   responsible=payload.validated_data.get("responsible"))
        return Response(NonconformitySerializer(nc).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentFromWorkOrderSerializer, responses={201: IncidentSerializer})
    @action(detail=False, methods=["post"], url_path="from-work-order")
    def from_work_order(self, request):
        from dispatch.workorders.selectors import work_order_get

        payload = IncidentFromWorkOrderSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        order = work_order_get(user=request.user, work_order_id=payload.validated_data["work_order"])
        if order is None:
            raise NotFound("not_found", _("Work order not found."), fields={"work_order": [_("Not found.")]})
        incident = services.incident_from_work_order(actor=request.user, work_order=order,
                                                     description=payload.validated_data["description"])
        return self._respond(incident, status.HTTP_201_CREATED)


class InspectionChecklistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Self-inspection checklists (set up in the admin); record a run with `inspections`."""

    serializer_class = InspectionChecklistSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = HSE_ROLES

    def get_queryset(self):
        return selectors.checklist_list(user=self.request.user)

    @extend_schema(request=SelfInspectionCreateSerializer, responses={201: SelfInspectionSerializer})
    @action(detail=True, methods=["post"])
    def inspections(self, request, pk=None):
        checklist = self.get_queryset().filter(pk=pk).first()
        if checklist is None:
            raise NotFound("not_found", _("Checklist not found."))
        payload = SelfInspectionCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        inspection = services.self_inspection_record(actor=request.user, checklist_id=checklist.pk, day=data["date"],
                                                     answers=[dict(answer) for answer in data["answers"]],
                                                     notes=data["notes"])
        return Response(SelfInspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


class TrainingRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """HSE training records per person; `?expiring=true` lists those expired or expiring soon."""

    serializer_class = TrainingRecordSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = HSE_ROLES
    filterset_fields = ["staff", "skill"]

    def get_queryset(self):
        if self.request.query_params.get("expiring") == "true":
            return selectors.expiring_training(user=self.request.user)
        return selectors.training_list(user=self.request.user)

    @extend_schema(request=TrainingRecordSerializer, responses={201: TrainingRecordSerializer})
    def create(self, request):
        payload = TrainingRecordSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        check_office(request.user, data["staff"].office)
        record = services.training_record_create(actor=request.user, **data)
        return Response(TrainingRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class MyActionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every post has HSE duties: anyone lists the CAPA actions they own and reports them done."""

    serializer_class = CapaActionSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = tuple(Role.values)
    queryset = CapaAction.objects.none()  # for the schema; get_queryset gives the person's own

    def get_queryset(self):
        return selectors.my_actions(user=self.request.user)

    @extend_schema(request=ActionCloseSerializer, responses=CapaActionSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        if not self.get_queryset().filter(pk=pk, status=CapaAction.Status.OPEN).exists():
            raise NotFound("not_found", _("Action not found."))
        payload = ActionCloseSerializer(data={**request.data, "action": pk})
        payload.is_valid(raise_exception=True)
        capa = services.action_complete(actor=request.user, action_id=int(pk),
                                        result=payload.validated_data["result"])
        return Response(CapaActionSerializer(capa).data)


class HseNotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's HSE reminders and escalations."""

    serializer_class = HseNotificationSerializer
    queryset = HseNotification.objects.none()  # for the schema; get_queryset gives the person's own
    permission_classes = [RolePermission]
    read_roles = write_roles = tuple(Role.values)

    def get_queryset(self):
        return selectors.notification_list(user=self.request.user)

    @extend_schema(request=None, responses=HseNotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        from django.utils import timezone

        notification = self.get_queryset().filter(pk=pk).first()
        if notification is None:
            raise NotFound("not_found", _("Not found."))
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        return Response(HseNotificationSerializer(notification).data)
