"""Arrears API: thin views over the selectors, services, imports and reports."""

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from dispatch.common.documents import XLSX_CONTENT_TYPE
from dispatch.common.errors import DispatchError
from dispatch.common.permissions import RolePermission

from . import dunning, imports, ledger, reports, selectors, services
from .models import Dispute, PaymentPlan
from .policy import protections
from .serializers import (
    AccountSerializer,
    AsOfQuerySerializer,
    BillSerializer,
    DisputeResolveSerializer,
    DisputeSerializer,
    DunningEventSerializer,
    LateFeeSerializer,
    LedgerImportReportSerializer,
    LedgerRowsSerializer,
    LedgerUploadSerializer,
    MonthQuerySerializer,
    NoticeQuerySerializer,
    PaymentPlanSerializer,
    PaymentSerializer,
    PlanStatusSerializer,
    PolicySerializer,
    PromiseSerializer,
)


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class AccountViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Accounts with a ledger: the live position (balance, arrears, age), dunning step and supply."""

    serializer_class = AccountSerializer
    permission_classes = [RolePermission]
    read_roles = write_roles = selectors.READERS

    def get_queryset(self):
        accounts = selectors.arrears_accounts(user=self.request.user)
        step = self.request.query_params.get("step")
        if step:
            accounts = selectors.in_step(accounts, step)
        area = self.request.query_params.get("area")
        if area:
            accounts = accounts.filter(premises__area__code=area).distinct()
        return accounts

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        positions = ledger.positions([account.pk for account in page])
        return self.get_paginated_response(
            AccountSerializer(page, many=True, context={"positions": positions}).data)

    @extend_schema(parameters=[OpenApiParameter("kind", str, enum=["written", "suspension"])],
                   responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def notice(self, request, pk=None):
        """The written notice or the suspension notice (3 days' notice by default) to print and deliver."""
        account = self.get_object()
        kind = _valid(NoticeQuerySerializer, {"kind": request.query_params.get("kind", "written")})["kind"]
        response = HttpResponse(reports.notice_pdf(account, kind), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="notice-{kind}-{account.account_no}.pdf"'
        return response

    def retrieve(self, request, *args, **kwargs):
        account = self.get_object()
        position = ledger.position(account.pk)
        entries = selectors.ledger_entries(account)
        return Response({
            **AccountSerializer(account, context={"positions": {account.pk: position}}).data,
            "protections": [protection.as_dict() for protection in protections(account, position.as_of)],
            "bills": BillSerializer(entries["bills"], many=True).data,
            "late_fees": LateFeeSerializer(entries["late_fees"], many=True).data,
            "payments": PaymentSerializer(entries["payments"], many=True).data,
            "events": DunningEventSerializer(selectors.case_events(account), many=True).data,
        })


class LedgerImportView(APIView):
    """Bills or payments from the billing system: JSON {"rows": [...]} or a CSV file; idempotent by reference."""

    permission_classes = [RolePermission]
    read_roles = write_roles = selectors.LEDGER_WRITERS
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    kind = "bills"

    @extend_schema(request={"application/json": LedgerRowsSerializer, "multipart/form-data": LedgerUploadSerializer},
                   responses=LedgerImportReportSerializer)
    def post(self, request):
        if "file" in request.FILES:
            upload = _valid(LedgerUploadSerializer, request.data)["file"]
            report = imports.import_csv(self.kind, upload, actor=request.user)
        else:
            rows = _valid(LedgerRowsSerializer, request.data)["rows"]
            report = imports.import_rows(self.kind, enumerate(rows, start=1), actor=request.user)
        return Response(report.as_dict(), status=status.HTTP_200_OK)


class BillImportView(LedgerImportView):
    kind = "bills"


class PaymentImportView(LedgerImportView):
    kind = "payments"


class PolicyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin,
                    viewsets.GenericViewSet):
    serializer_class = PolicySerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = selectors.READERS, selectors.POLICY_WRITERS
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.policy_list()

    def perform_update(self, serializer):
        serializer.instance = services.policy_save(actor=self.request.user, policy=serializer.instance,
                                                   changes=dict(serializer.validated_data))


class _AccountScoped:
    def _account(self, serializer):
        account = serializer.validated_data["account"]
        if selectors.account_get(user=self.request.user, account_id=account.pk) is None:
            raise DispatchError("invalid", _("Unknown customer account."),
                                fields={"account": [_("Unknown customer account.")]})
        return account


class PaymentPlanViewSet(_AccountScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    serializer_class = PaymentPlanSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = selectors.READERS, selectors.DESK_WRITERS
    filterset_fields = ["account", "status"]

    def get_queryset(self):
        return selectors.plan_list(user=self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.payment_plan_create(
            actor=self.request.user, account=self._account(serializer), total=data["total"],
            instalments=data["instalments"], first_due=data["first_due"], notes=data.get("notes", ""))

    @extend_schema(request=PlanStatusSerializer, responses=PaymentPlanSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        plan: PaymentPlan = self.get_object()
        data = _valid(PlanStatusSerializer, request.data)
        plan = services.payment_plan_set_status(actor=request.user, plan=plan, status=data["status"])
        return Response(PaymentPlanSerializer(plan).data)


class DisputeViewSet(_AccountScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = DisputeSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = selectors.READERS, selectors.DESK_WRITERS
    filterset_fields = ["account", "status"]

    def get_queryset(self):
        return selectors.dispute_list(user=self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        serializer.instance = services.dispute_open(actor=self.request.user, account=self._account(serializer),
                                                    reason=serializer.validated_data["reason"])

    @extend_schema(request=DisputeResolveSerializer, responses=DisputeSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        dispute: Dispute = self.get_object()
        data = _valid(DisputeResolveSerializer, request.data)
        dispute = services.dispute_resolve(actor=request.user, dispute=dispute, **data)
        return Response(DisputeSerializer(dispute).data)


class PromiseViewSet(_AccountScoped, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    serializer_class = PromiseSerializer
    permission_classes = [RolePermission]
    read_roles, write_roles = selectors.READERS, selectors.DESK_WRITERS
    filterset_fields = ["account"]

    def get_queryset(self):
        return selectors.promise_list(user=self.request.user).order_by("-created_at")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.promise_record(actor=self.request.user, account=self._account(serializer),
                                                      promised_date=data["promised_date"], amount=data.get("amount"))


def _plain(value):
    """Report figures for JSON: amounts as strings with their two decimals (never floats), dates as ISO."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal | date):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    return value


def _as_of(request) -> date:
    return _valid(AsOfQuerySerializer, request.query_params).get("as_of") or ledger.today()


class AgingReportView(APIView):
    permission_classes = [RolePermission]
    read_roles = write_roles = selectors.READERS

    @extend_schema(parameters=[OpenApiParameter("as_of", str)], responses=dict)
    def get(self, request):
        return Response(_plain(reports.aging(as_of=_as_of(request),
                                             area_codes=selectors.area_codes_for(request.user))))


class CollectionRateReportView(APIView):
    permission_classes = [RolePermission]
    read_roles = write_roles = selectors.READERS

    @extend_schema(parameters=[OpenApiParameter("as_of", str)], responses=dict)
    def get(self, request):
        return Response(_plain(reports.collection_rate(as_of=_as_of(request),
                                                       area_codes=selectors.area_codes_for(request.user))))


class MonthlyReportView(APIView):
    """The monthly arrears report (department-wide): ?month=YYYY-MM&output=pdf|xlsx."""

    permission_classes = [RolePermission]
    read_roles = write_roles = selectors.REPORT_READERS

    @extend_schema(parameters=[OpenApiParameter("month", str, required=True),
                               OpenApiParameter("output", str, enum=["pdf", "xlsx"])],
                   responses={(200, "application/pdf"): bytes, (200, XLSX_CONTENT_TYPE): bytes})
    def get(self, request):
        query = _valid(MonthQuerySerializer, {"month": request.query_params.get("month", ""),
                                              "output": request.query_params.get("output", "pdf")})
        year, month_number = (int(part) for part in query["month"].split("-"))
        month = date(year, month_number, 1)
        if query["output"] == "xlsx":
            response = HttpResponse(reports.monthly_xlsx(month), content_type=XLSX_CONTENT_TYPE)
        else:
            response = HttpResponse(reports.monthly_pdf(month), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="arrears-{month:%Y-%m}.{query["output"]}"'
        return response


class DunningRunView(APIView):
    """Run today's dunning now (the daily beat task does it anyway; a second run the same day changes nothing)."""

    permission_classes = [RolePermission]
    read_roles = write_roles = selectors.LEDGER_WRITERS

    @extend_schema(request=None, responses=dict)
    def post(self, request):
        return Response(dunning.dunning_run())
