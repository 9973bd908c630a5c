"""Meters and readings API: thin views over the services and the scoped selectors."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dispatch.common.errors import NotFound
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role
from dispatch.customers.selectors import premises_list
from dispatch.org.selectors import area_list

from . import imports, plans, readings, selectors, services
from .models import Meter, MeterReading
from .serializers import (
    AcceptSerializer,
    CorrectSerializer,
    ImportReportSerializer,
    ImportUploadSerializer,
    MeterEventSerializer,
    MeterInstallationSerializer,
    MeterInstallSerializer,
    MeterPlanRequestSerializer,
    MeterPlanResultSerializer,
    MeterReadingCreateSerializer,
    MeterReadingSerializer,
    MeterRemoveSerializer,
    MeterSerializer,
    MeterTransitionSerializer,
    ReplacementDueQuerySerializer,
    RereadSerializer,
)

METER_WRITERS = (Role.LAB, Role.MANAGER, Role.ADMIN)
READING_WRITERS = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)
PLANNERS = (Role.DISPATCHER, Role.MANAGER, Role.ADMIN)


class MeterFilter(filters.FilterSet):
    serial = filters.CharFilter(lookup_expr="istartswith")
    size = filters.CharFilter(field_name="size__code")
    service_life_ends_before = filters.DateFilter(field_name="service_life_expires_on", lookup_expr="lte")
    area = filters.NumberFilter(field_name="premises__area")

    class Meta:
        model = Meter
        fields = ["serial", "status", "meter_type", "size", "gas_type", "accuracy_class", "location",
                  "manufacturer", "premises", "area", "service_life_ends_before"]


class ReadingFilter(filters.FilterSet):
    read_from = filters.IsoDateTimeFilter(field_name="read_at", lookup_expr="gte")
    read_until = filters.IsoDateTimeFilter(field_name="read_at", lookup_expr="lt")
    meter_serial = filters.CharFilter(field_name="meter__serial")

    class Meta:
        model = MeterReading
        fields = ["meter", "meter_serial", "premises", "plausibility", "source", "reading_type", "work_order",
                  "read_from", "read_until"]


def _plan_request(request) -> dict:
    serializer = MeterPlanRequestSerializer(data=request.data)
    serializer.fields["area"].queryset = area_list(user=request.user)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _plan_response(result: plans.PlanResult) -> Response:
    return Response({"created": [order.number for order in result.created], "already_open": result.already_open},
                    status=status.HTTP_201_CREATED)


def _report(report: imports.ImportReport) -> Response:
    return Response(report.as_dict(), status=status.HTTP_200_OK)


class MeterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The meter registry. Status changes only through the actions (install, remove, transition)."""

    serializer_class = MeterSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = selectors.METER_READERS, METER_WRITERS
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = MeterFilter
    ordering_fields = ["serial", "manufactured_on", "service_life_expires_on", "created_at"]

    def get_queryset(self):
        return selectors.meter_list(user=self.request.user).order_by("serial")

    def perform_create(self, serializer):
        serializer.instance = services.meter_register(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.meter_update(actor=self.request.user, meter=serializer.instance,
                                                    **serializer.validated_data)

    def _meter(self) -> Meter:
        meter = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if meter is None:
            raise NotFound("not_found", _("Meter not found."))
        return meter

    @extend_schema(request=MeterTransitionSerializer, responses=MeterSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Stock, lab or scrap (a reason is required to scrap); 409 illegal_transition otherwise."""
        data = self._valid(MeterTransitionSerializer, request)
        meter = services.meter_transition(meter_id=self._meter().pk, actor=request.user, **data)
        return Response(MeterSerializer(meter).data)

    @extend_schema(request=MeterInstallSerializer, responses={201: MeterInstallationSerializer})
    @action(detail=True, methods=["post"])
    def install(self, request, pk=None):
        serializer = MeterInstallSerializer(data=request.data)
        serializer.fields["premises"].queryset = premises_list(user=request.user)
        serializer.is_valid(raise_exception=True)
        installation = services.meter_install(actor=request.user, meter=self._meter(), **serializer.validated_data)
        return Response(MeterInstallationSerializer(installation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MeterRemoveSerializer, responses=MeterInstallationSerializer)
    @action(detail=True, methods=["post"])
    def remove(self, request, pk=None):
        data = self._valid(MeterRemoveSerializer, request)
        installation = services.meter_remove(actor=request.user, meter=self._meter(), **data)
        return Response(MeterInstallationSerializer(installation).data)

    @extend_schema(responses=MeterEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        meter = self._meter()
        return Response(MeterEventSerializer(selectors.meter_events(user=request.user, meter_id=meter.pk),
                                             many=True).data)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses=ImportReportSerializer)
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        """Take meters into stock from a CSV file (serial, manufacturer, model, size, manufactured_on, ...)."""
        data = self._valid(ImportUploadSerializer, request)
        return _report(imports.import_meters(imports.text_lines(data["file"]), actor=request.user))

    @extend_schema(parameters=[ReplacementDueQuerySerializer], responses=MeterSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="replacement-due")
    def replacement_due(self, request):
        """Installed meters whose service life ends within `months_ahead` months (default from settings)."""
        query = ReplacementDueQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        meters = self.get_queryset()
        if "area" in query.validated_data:
            meters = meters.filter(premises__area=query.validated_data["area"])
        due = plans.replacement_due(meters, months_ahead=query.validated_data.get("months_ahead"))
        page = self.paginate_queryset(due)
        return self.get_paginated_response(MeterSerializer(page, many=True).data)

    @extend_schema(request=MeterPlanRequestSerializer, responses={201: MeterPlanResultSerializer})
    @action(detail=False, methods=["post"], url_path="replacement-orders")
    def replacement_orders(self, request):
        """A meter_replacement work order for each due meter of an area (none twice for the same premises)."""
        data = _plan_request(request)
        return _plan_response(plans.replacement_orders_create(actor=request.user, area=data["area"],
                                                              months_ahead=data["months_ahead"]))

    @extend_schema(request=MeterPlanRequestSerializer, responses={201: MeterPlanResultSerializer})
    @action(detail=False, methods=["post"], url_path="reading-round")
    def reading_round(self, request):
        """meter_reading work orders for an area's installed meters, created in walking order from the office."""
        data = _plan_request(request)
        return _plan_response(plans.reading_round_create(actor=request.user, area=data["area"],
                                                         scheduled_date=data["scheduled_date"]))

    def get_permissions(self):
        if self.action in ("replacement_orders", "reading_round"):
            self.write_roles = PLANNERS
        return super().get_permissions()

    @staticmethod
    def _valid(serializer_class, request) -> dict:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class MeterReadingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Readings. Technicians see those of their own jobs; the dispatch desk records, imports and decides on the
    implausible list."""

    serializer_class = MeterReadingSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = selectors.READING_READERS, READING_WRITERS
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_class = ReadingFilter
    ordering_fields = ["read_at", "created_at", "value"]

    def get_queryset(self):
        return selectors.reading_list(user=self.request.user).order_by("-read_at", "-id")

    def _reading(self) -> MeterReading:
        reading = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if reading is None:
            raise NotFound("not_found", _("Reading not found."))
        return reading

    @extend_schema(request={"application/json": MeterReadingCreateSerializer,
                            "multipart/form-data": MeterReadingCreateSerializer},
                   responses={201: MeterReadingSerializer})
    def create(self, request):
        """Record a reading. A failed plausibility check answers 400 implausible_reading with the checks; send
        again with confirm=true to keep it on the implausible list."""
        serializer = MeterReadingCreateSerializer(data=request.data)
        serializer.fields["meter"].queryset = selectors.meter_list(user=request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reading = readings.reading_record(actor=request.user, meter=data["meter"], value=data["value"],
                                          read_at=data["read_at"], reading_type=data["reading_type"],
                                          photo=data["photo"], confirm=data["confirm"])
        return Response(MeterReadingSerializer(reading).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=MeterReadingSerializer(many=True))
    @action(detail=False, methods=["get"])
    def implausible(self, request):
        """The clerk's list: confirmed readings that failed a check, oldest first."""
        queryset = self.filter_queryset(selectors.implausible_list(user=request.user))
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(MeterReadingSerializer(page, many=True).data)

    @extend_schema(request=AcceptSerializer, responses=MeterReadingSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        data = MeterViewSet._valid(AcceptSerializer, request)
        reading = readings.reading_accept(actor=request.user, reading_id=self._reading().pk, note=data["note"])
        return Response(MeterReadingSerializer(reading).data)

    @extend_schema(request=CorrectSerializer, responses=MeterReadingSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        data = MeterViewSet._valid(CorrectSerializer, request)
        reading = readings.reading_correct(actor=request.user, reading_id=self._reading().pk, **data)
        return Response(MeterReadingSerializer(reading).data)

    @extend_schema(request=RereadSerializer, responses=MeterReadingSerializer)
    @action(detail=True, methods=["post"])
    def reread(self, request, pk=None):
        """Raise a meter_reading work order for the premises."""
        data = MeterViewSet._valid(RereadSerializer, request)
        reading = readings.reading_order_reread(actor=request.user, reading_id=self._reading().pk, **data)
        return Response(MeterReadingSerializer(reading).data)

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer}, responses=ImportReportSerializer)
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request):
        """Import readings from CSV (meter_serial, value, read_at[, reading_type]); a report of every bad row."""
        data = MeterViewSet._valid(ImportUploadSerializer, request)
        return _report(imports.import_readings(imports.text_lines(data["file"]), actor=request.user))
