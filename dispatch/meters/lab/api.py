"""Metrology lab API under /api/lab/: thin views over lab services. Lab staff write; lab, managers and admins read.

- `standards/`: reference standards (no delete).
- `profiles/`: regulation profiles; POST `{code, ...}` creates or edits (a used version becomes a new version).
- `tests/`: POST `{meter_serial, standard, profile?, purpose, ...}` opens a session; then `{id}/environment/`,
  `{id}/points/`, `{id}/import/` (bench CSV), `{id}/complete/`, `{id}/complaint-result/`.
- `batches/`: POST `{number, received_on, serials, standard}` for a delivery; `{id}/import/` (bench CSV).
- `certificates/`: POST `{test}` issues the draft; `{id}/sign/` `{step}`; `{id}/revise/`; `{id}/pdf/`.
- `print-jobs/`: POST `{certificates: [ids]}` → 202 and the job; GET `{id}/` shows its progress.
"""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from dispatch.common.errors import NotFound
from dispatch.common.permissions import RolePermission
from dispatch.common.roles import Role

from ..models import Meter
from . import certificates, complaint, printing, services
from .models import (
    CertificatePrintJob,
    LabBatch,
    LabCertificate,
    ReferenceStandard,
    RegulationProfile,
    VerificationTest,
    VerificationTestPoint,
)

READERS = (Role.LAB, Role.MANAGER, Role.ADMIN)
WRITERS = (Role.LAB, Role.ADMIN)


class LabStandardSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReferenceStandard
        fields = ["id", "name", "kind", "serial", "manufacturer", "range_min", "range_max", "uncertainty",
                  "calibration_certificate_no", "calibrated_by", "calibrated_on", "calibration_valid_until",
                  "active"]

    def validate(self, attrs):
        low = attrs.get("range_min", getattr(self.instance, "range_min", None))
        high = attrs.get("range_max", getattr(self.instance, "range_max", None))
        if low is not None and high is not None and low >= high:
            raise serializers.ValidationError({"range_max": _("The range must end above its start.")})
        start = attrs.get("calibrated_on", getattr(self.instance, "calibrated_on", None))
        until = attrs.get("calibration_valid_until", getattr(self.instance, "calibration_valid_until", None))
        if start and until and until < start:
            raise serializers.ValidationError({"calibration_valid_until": _("Before the calibration date.")})
        return attrs


class LabProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegulationProfile
        fields = ["id", "code", "version", "current", "name", "procedure", "test_points", "mpe",
                  "in_service_factor", "error_resolution", "temp_small_min", "temp_small_max", "temp_large_min",
                  "temp_large_max", "small_meter_qmax", "pressure_min", "pressure_max", "humidity_min",
                  "humidity_max", "conditioning_hours", "max_standard_meter_delta", "validity_years"]
        read_only_fields = ["version", "current"]
        extra_kwargs = {name: {"required": False} for name in fields if name != "code"}


class LabPointSerializer(serializers.ModelSerializer):
    class Meta:
        model = VerificationTestPoint
        fields = ["code", "flow", "v_ref", "v_meter", "t_ref_c", "p_ref_kpa", "t_meter_c", "p_meter_kpa",
                  "v_ref_corrected", "error", "error_rounded", "mpe", "passed"]
        read_only_fields = ["flow", "v_ref_corrected", "error", "error_rounded", "mpe", "passed"]


class LabTestSerializer(serializers.ModelSerializer):
    meter_serial = serializers.CharField(source="meter.serial", read_only=True)
    profile_version = serializers.CharField(source="profile.__str__", read_only=True)
    points = LabPointSerializer(many=True, read_only=True)

    class Meta:
        model = VerificationTest
        fields = ["id", "record_no", "meter", "meter_serial", "profile", "profile_version", "standard", "batch",
                  "purpose", "limits", "customer_name", "customer_address", "complaint_ref", "complaint_on",
                  "location", "ambient_temp_c", "ambient_pressure_kpa", "humidity_pct", "conditioning_hours",
                  "status", "passed", "same_sign_applied", "failed_disposition", "tested_by", "tested_on",
                  "completed_at", "points"]
        read_only_fields = fields


class LabTestStartSerializer(serializers.Serializer):
    meter_serial = serializers.CharField(max_length=40)
    standard = serializers.PrimaryKeyRelatedField(queryset=ReferenceStandard.objects.all())
    profile = serializers.CharField(max_length=40, required=False, help_text=_("Profile code; current version."))
    purpose = serializers.ChoiceField(choices=["initial", "in_service", "complaint"], default="initial")
    limits = serializers.ChoiceField(choices=["initial", "in_service"], required=False)
    tested_on = serializers.DateField(required=False)
    customer_name = serializers.CharField(max_length=120, required=False, default="")
    customer_address = serializers.CharField(max_length=255, required=False, default="")
    complaint_ref = serializers.CharField(max_length=60, required=False, default="")
    complaint_on = serializers.DateField(required=False, allow_null=True, default=None)
    location = serializers.CharField(max_length=120, required=False, default="")


class LabEnvironmentSerializer(serializers.Serializer):
    ambient_temp_c = serializers.DecimalField(max_digits=5, decimal_places=2)
    ambient_pressure_kpa = serializers.DecimalField(max_digits=6, decimal_places=2)
    humidity_pct = serializers.DecimalField(max_digits=5, decimal_places=2)
    conditioning_hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    location = serializers.CharField(max_length=120, required=False)


class LabPointInputSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    v_ref = serializers.DecimalField(max_digits=14, decimal_places=6)
    v_meter = serializers.DecimalField(max_digits=14, decimal_places=6)
    t_ref_c = serializers.DecimalField(max_digits=5, decimal_places=2)
    p_ref_kpa = serializers.DecimalField(max_digits=8, decimal_places=3)
    t_meter_c = serializers.DecimalField(max_digits=5, decimal_places=2)
    p_meter_kpa = serializers.DecimalField(max_digits=8, decimal_places=3)


class LabCompleteSerializer(serializers.Serializer):
    failed_disposition = serializers.ChoiceField(choices=["scrap", "return_to_maker"], default="scrap")


class LabCsvUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class LabComplaintResultSerializer(serializers.Serializer):
    measured_m3 = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    price_per_m3 = serializers.DecimalField(max_digits=8, decimal_places=4, required=False, allow_null=True)


class LabBatchSerializer(serializers.ModelSerializer):
    serials = serializers.ListField(child=serializers.CharField(max_length=40), write_only=True, min_length=1)
    standard = serializers.PrimaryKeyRelatedField(queryset=ReferenceStandard.objects.all(), write_only=True)
    tests = serializers.SerializerMethodField()

    class Meta:
        model = LabBatch
        fields = ["id", "number", "manufacturer", "delivery_ref", "received_on", "serials", "standard", "tests"]

    def get_tests(self, batch) -> dict:
        rows = list(batch.tests.values_list("status", "passed"))
        return {"total": len(rows), "open": sum(1 for s, _p in rows if s == "open"),
                "passed": sum(1 for _s, p in rows if p is True), "failed": sum(1 for _s, p in rows if p is False)}


class LabCertificateSerializer(serializers.ModelSerializer):
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = LabCertificate
        fields = ["id", "number", "base_number", "revision", "kind", "test", "status", "supersedes",
                  "customer_name", "customer_address", "remarks", "revision_reason", "valid_until", "verifier",
                  "verified_at", "checker", "checked_at", "approver", "approved_at", "issued_on", "pdf_sha256",
                  "verify_url"]
        read_only_fields = fields

    def get_verify_url(self, cert) -> str:
        return certificates.public_url(cert.number)


class LabIssueSerializer(serializers.Serializer):
    test = serializers.PrimaryKeyRelatedField(queryset=VerificationTest.objects.all())
    remarks = serializers.CharField(max_length=500, required=False, default="")


class LabSignSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=["verify", "check", "approve"])


class LabReviseSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)
    customer_name = serializers.CharField(max_length=120, required=False)
    customer_address = serializers.CharField(max_length=255, required=False)
    remarks = serializers.CharField(max_length=500, required=False)
    test = serializers.PrimaryKeyRelatedField(queryset=VerificationTest.objects.all(), required=False)


class LabSignManySerializer(serializers.Serializer):
    certificates = serializers.PrimaryKeyRelatedField(queryset=LabCertificate.objects.all(), many=True,
                                                      allow_empty=False)
    step = serializers.ChoiceField(choices=["verify", "check", "approve"])


class LabPrintJobSerializer(serializers.ModelSerializer):
    certificates = serializers.PrimaryKeyRelatedField(queryset=LabCertificate.objects.all(), many=True,
                                                      write_only=True)

    class Meta:
        model = CertificatePrintJob
        fields = ["id", "certificates", "total", "done", "failed", "state", "created_at", "finished_at"]
        read_only_fields = ["total", "done", "failed", "state", "created_at", "finished_at"]


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class LabViewSet(viewsets.GenericViewSet):
    permission_classes = [RolePermission]
    read_roles, write_roles = READERS, WRITERS


class StandardViewSet(LabViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin):
    serializer_class = LabStandardSerializer
    queryset = ReferenceStandard.objects.order_by("name")
    http_method_names = ["get", "post", "patch", "head", "options"]


class ProfileViewSet(LabViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = LabProfileSerializer
    queryset = RegulationProfile.objects.order_by("code", "-version")
    filterset_fields = ["code", "current"]

    @extend_schema(request=LabProfileSerializer, responses={201: LabProfileSerializer})
    def create(self, request):
        """Create a profile or edit the current version of `code` (a version used by a test is kept)."""
        serializer = LabProfileSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        profile = services.profile_save(actor=request.user, code=data.pop("code"), **data)
        return Response(LabProfileSerializer(profile).data, status=status.HTTP_201_CREATED)


class TestViewSet(LabViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = LabTestSerializer
    queryset = (VerificationTest.objects.select_related("meter", "profile").prefetch_related("points")
                .order_by("-tested_on", "-id"))
    filterset_fields = ["status", "passed", "purpose", "batch", "meter"]

    def _test(self) -> VerificationTest:
        return self.get_object()

    @extend_schema(request=LabTestStartSerializer, responses={201: LabTestSerializer})
    def create(self, request):
        data = _valid(LabTestStartSerializer, request)
        meter = Meter.objects.filter(serial=data.pop("meter_serial")).first()
        if meter is None:
            raise NotFound("unknown_meter", _("No meter has this serial number."),
                           fields={"meter_serial": [_("No meter has this serial number.")]})
        code = data.pop("profile", None)
        profile = services.profile_current(code) if code else None
        test = services.test_start(actor=request.user, meter=meter, profile=profile, **data)
        return Response(LabTestSerializer(test).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabEnvironmentSerializer, responses=LabTestSerializer)
    @action(detail=True, methods=["post"])
    def environment(self, request, pk=None):
        test = services.environment_record(actor=request.user, test=self._test(), **_valid(LabEnvironmentSerializer,
                                                                                           request))
        return Response(LabTestSerializer(test).data)

    @extend_schema(request=LabPointInputSerializer, responses=LabPointSerializer)
    @action(detail=True, methods=["post"])
    def points(self, request, pk=None):
        point = services.point_record(actor=request.user, test=self._test(), **_valid(LabPointInputSerializer, request))
        return Response(LabPointSerializer(point).data)

    @extend_schema(request={"multipart/form-data": LabCsvUploadSerializer})
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request, pk=None):
        """The bench's CSV export (serial optional): each bad row reported, the good ones kept."""
        text = _valid(LabCsvUploadSerializer, request)["file"].read().decode("utf-8-sig", errors="replace")
        return Response(services.points_import_csv(actor=request.user, text=text, test=self._test()).as_dict())

    @extend_schema(request=LabCompleteSerializer, responses=LabTestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        test = services.test_complete(actor=request.user, test=self._test(), **_valid(LabCompleteSerializer, request))
        return Response(LabTestSerializer(test).data)

    @extend_schema(request=LabComplaintResultSerializer)
    @action(detail=True, methods=["post"], url_path="complaint-result")
    def complaint_result(self, request, pk=None):
        data = {k: v for k, v in _valid(LabComplaintResultSerializer, request).items() if v is not None}
        outcome = complaint.complaint_meter_test_result(actor=request.user, test=self._test(), **data)
        return Response(outcome.as_dict())


class BatchViewSet(LabViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    serializer_class = LabBatchSerializer
    queryset = LabBatch.objects.order_by("-received_on", "-id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.batch_create(actor=self.request.user, **data)

    @extend_schema(request={"multipart/form-data": LabCsvUploadSerializer})
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_csv(self, request, pk=None):
        text = _valid(LabCsvUploadSerializer, request)["file"].read().decode("utf-8-sig", errors="replace")
        return Response(services.points_import_csv(actor=request.user, text=text, batch=self.get_object()).as_dict())

    @extend_schema(request=None, responses={201: LabCertificateSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="issue-certificates")
    def issue_certificates(self, request, pk=None):
        """A draft certificate or notice for every completed test of the batch without one."""
        issued = certificates.batch_certificates_issue(actor=request.user, batch=self.get_object())
        return Response(LabCertificateSerializer(issued, many=True).data, status=status.HTTP_201_CREATED)


class CertificateViewSet(LabViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = LabCertificateSerializer
    queryset = LabCertificate.objects.select_related("test").order_by("-id")
    filterset_fields = ["status", "kind", "test", "base_number"]
    parser_classes = [JSONParser]

    @extend_schema(request=LabIssueSerializer, responses={201: LabCertificateSerializer})
    def create(self, request):
        data = _valid(LabIssueSerializer, request)
        cert = certificates.certificate_issue(actor=request.user, **data)
        return Response(LabCertificateSerializer(cert).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LabSignSerializer, responses=LabCertificateSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        cert = certificates.certificate_sign(actor=request.user, certificate=self.get_object(),
                                             **_valid(LabSignSerializer, request))
        return Response(LabCertificateSerializer(cert).data)

    @extend_schema(request=LabSignManySerializer)
    @action(detail=False, methods=["post"], url_path="sign-many")
    def sign_many(self, request):
        """One signing step on many certificates; approvals queue a print job that renders and stores the PDFs."""
        result = certificates.certificates_sign_many(actor=request.user, **_valid(LabSignManySerializer, request))
        job = result["print_job"]
        return Response({"signed": [cert.number for cert in result["signed"]], "refused": result["refused"],
                         "print_job": LabPrintJobSerializer(job).data if job else None})

    @extend_schema(request=LabReviseSerializer, responses={201: LabCertificateSerializer})
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        cert = certificates.certificate_revise(actor=request.user, certificate=self.get_object(),
                                               **_valid(LabReviseSerializer, request))
        return Response(LabCertificateSerializer(cert).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        cert = self.get_object()
        response = HttpResponse(certificates.certificate_pdf(cert), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
        return response


class PrintJobViewSet(LabViewSet, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    serializer_class = LabPrintJobSerializer
    queryset = CertificatePrintJob.objects.all()

    def create(self, request):
        serializer = LabPrintJobSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        job = printing.print_job_create(actor=request.user,
                                        certificate_ids=[c.pk for c in serializer.validated_data["certificates"]])
        printing.print_job_start(job)
        return Response(LabPrintJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
